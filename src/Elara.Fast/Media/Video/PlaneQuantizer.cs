using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Video;

/// <summary>
/// Quantizes an 8-bit plane in place to <c>bits</c> significant bits with round-to-nearest:
/// <c>level = min((x &gt;&gt; s) + ((x &gt;&gt; (s − 1)) &amp; 1), 2^bits − 1)</c>, output <c>level &lt;&lt; s</c>, where
/// <c>s = 8 − bits</c>. Fewer distinct values compress better and cost less to blend; 8 bits is the identity.
/// </summary>
public static class PlaneQuantizer
{
    /// <summary>Quantizes with the widest vector path this CPU offers.</summary>
    public static void Quantize(Span<byte> plane, int width, int height, int stride, int bits)
        => Quantize(plane, width, height, stride, bits, VectorWidths.Widest);

    /// <summary>Quantizes with the given vector width (<see cref="VectorWidth.Scalar"/> is the reference twin).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is not 1 to 8.</exception>
    public static void Quantize(Span<byte> plane, int width, int height, int stride, int bits, VectorWidth vectorWidth)
    {
        PlaneGeometry.Validate(plane.Length, width, height, stride, nameof(plane));
        if (bits is < 1 or > 8)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(bits), "A plane keeps 1 to 8 bits.");
        }

        vectorWidth = VectorWidths.Resolve(vectorWidth);
        if (bits == 8)
        {
            return;
        }

        var shift = 8 - bits;
        var maxLevel = (byte)((1 << bits) - 1);
        for (var y = 0; y < height; y++)
        {
            var row = plane.Slice(y * stride, width);
            var done = vectorWidth switch
            {
                VectorWidth.V512 => Row512(row, shift, maxLevel),
                VectorWidth.V256 => Row256(row, shift, maxLevel),
                VectorWidth.V128 => Row128(row, shift, maxLevel),
                _ => 0,
            };
            for (var x = done; x < row.Length; x++)
            {
                var v = row[x];
                var level = Math.Min((v >> shift) + ((v >> (shift - 1)) & 1), maxLevel);
                row[x] = (byte)(level << shift);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Row128(Span<byte> row, int shift, byte maxLevel)
    {
        ref var p = ref MemoryMarshal.GetReference(row);
        var one = Vector128<byte>.One;
        var max = Vector128.Create(maxLevel);
        var x = 0;
        for (; x + Vector128<byte>.Count <= row.Length; x += Vector128<byte>.Count)
        {
            var v = Vector128.LoadUnsafe(ref p, (nuint)x);
            var level = Vector128.Min((v >>> shift) + ((v >>> (shift - 1)) & one), max);
            (level << shift).StoreUnsafe(ref p, (nuint)x);
        }

        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Row256(Span<byte> row, int shift, byte maxLevel)
    {
        ref var p = ref MemoryMarshal.GetReference(row);
        var one = Vector256<byte>.One;
        var max = Vector256.Create(maxLevel);
        var x = 0;
        for (; x + Vector256<byte>.Count <= row.Length; x += Vector256<byte>.Count)
        {
            var v = Vector256.LoadUnsafe(ref p, (nuint)x);
            var level = Vector256.Min((v >>> shift) + ((v >>> (shift - 1)) & one), max);
            (level << shift).StoreUnsafe(ref p, (nuint)x);
        }

        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Row512(Span<byte> row, int shift, byte maxLevel)
    {
        ref var p = ref MemoryMarshal.GetReference(row);
        var one = Vector512<byte>.One;
        var max = Vector512.Create(maxLevel);
        var x = 0;
        for (; x + Vector512<byte>.Count <= row.Length; x += Vector512<byte>.Count)
        {
            var v = Vector512.LoadUnsafe(ref p, (nuint)x);
            var level = Vector512.Min((v >>> shift) + ((v >>> (shift - 1)) & one), max);
            (level << shift).StoreUnsafe(ref p, (nuint)x);
        }

        return x;
    }
}
