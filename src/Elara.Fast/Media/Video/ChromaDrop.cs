using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Elara.Fast.Media.Video;

/// <summary>
/// Grey conversion of an I420 frame: the luma plane stays, both chroma planes become the neutral value 128, so the
/// chroma planes of every later delta are empty (they never change) and a receiver shows a grey picture.
/// </summary>
public static class ChromaDrop
{
    /// <summary>The neutral chroma value.</summary>
    public const byte Neutral = 128;

    /// <summary>Sets a chroma plane to neutral with the widest vector path this CPU offers.</summary>
    public static void Apply(Span<byte> chroma, int width, int height, int stride)
        => Apply(chroma, width, height, stride, VectorWidths.Widest);

    /// <summary>Sets a chroma plane to neutral with the given vector width (<see cref="VectorWidth.Scalar"/> is the twin).</summary>
    public static void Apply(Span<byte> chroma, int width, int height, int stride, VectorWidth vectorWidth)
    {
        PlaneGeometry.Validate(chroma.Length, width, height, stride, nameof(chroma));
        vectorWidth = VectorWidths.Resolve(vectorWidth);
        var step = vectorWidth switch
        {
            VectorWidth.V512 => Vector512<byte>.Count,
            VectorWidth.V256 => Vector256<byte>.Count,
            VectorWidth.V128 => Vector128<byte>.Count,
            _ => int.MaxValue,
        };
        for (var y = 0; y < height; y++)
        {
            var row = chroma.Slice(y * stride, width);
            ref var p = ref MemoryMarshal.GetReference(row);
            var x = 0;
            for (; x + step <= row.Length; x += step)
            {
                switch (vectorWidth)
                {
                    case VectorWidth.V512:
                        Vector512.Create(Neutral).StoreUnsafe(ref p, (nuint)x);
                        break;
                    case VectorWidth.V256:
                        Vector256.Create(Neutral).StoreUnsafe(ref p, (nuint)x);
                        break;
                    default:
                        Vector128.Create(Neutral).StoreUnsafe(ref p, (nuint)x);
                        break;
                }
            }

            for (; x < row.Length; x++)
            {
                row[x] = Neutral;
            }
        }
    }
}
