using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// The level of a PCM16 frame: an exact integer sum of squares (the SIMD kernel), from which the RMS and
/// the level in dBFS follow (0 dBFS = a full-scale square wave, RMS 32768).
/// </summary>
public readonly struct VoiceLevel
{
    /// <summary>The level reported for digital silence, and the floor of every reading (the RFC 3389 noise-level range ends at −127 dBov).</summary>
    public const double SilenceDbfs = -127;

    /// <summary>Creates a reading from its exact parts.</summary>
    /// <param name="sumOfSquares">Σ x² over the frame.</param>
    /// <param name="sampleCount">The frame length.</param>
    public VoiceLevel(ulong sumOfSquares, int sampleCount)
    {
        SumOfSquares = sumOfSquares;
        SampleCount = sampleCount;
    }

    /// <summary>Σ x² over the frame, exact.</summary>
    public ulong SumOfSquares { get; }

    /// <summary>The frame length.</summary>
    public int SampleCount { get; }

    /// <summary>The root mean square, in sample units.</summary>
    public double Rms => SampleCount == 0 ? 0 : Math.Sqrt((double)SumOfSquares / SampleCount);

    /// <summary>The RMS in dB relative to full scale, floored at <see cref="SilenceDbfs"/>.</summary>
    public double Dbfs => Rms <= 0 ? SilenceDbfs : Math.Max(SilenceDbfs, 20 * Math.Log10(Rms / 32768.0));

    /// <summary>Measures a frame with the widest vector path.</summary>
    /// <param name="frame">The samples.</param>
    /// <returns>The level.</returns>
    public static VoiceLevel Measure(ReadOnlySpan<short> frame) => Measure(frame, VectorWidths.Widest);

    /// <summary>Measures a frame with the given path.</summary>
    /// <param name="frame">The samples.</param>
    /// <param name="width">The path to run (lowered to what the CPU offers).</param>
    /// <returns>The level.</returns>
    public static VoiceLevel Measure(ReadOnlySpan<short> frame, VectorWidth width) => new(SumSquares(frame, width), frame.Length);

    /// <summary>Σ x² over <paramref name="frame"/>, exact in 64 bits for any span length below 2^33.</summary>
    /// <param name="frame">The samples.</param>
    /// <param name="width">The path to run (lowered to what the CPU offers).</param>
    /// <returns>The sum of squares.</returns>
    public static ulong SumSquares(ReadOnlySpan<short> frame, VectorWidth width)
    {
        ref var x = ref MemoryMarshal.GetReference(frame);
        var length = frame.Length;
        var i = 0;
        ulong sum = 0;

        // pmaddwd gives x[2i]² + x[2i+1]² ≤ 2^31: exact as an unsigned 32-bit lane, then widened into 64-bit sums.
        switch (VectorWidths.Resolve(width))
        {
            case VectorWidth.V512:
                var sum512 = Vector512<ulong>.Zero;
                for (; i <= length - Vector512<short>.Count; i += Vector512<short>.Count)
                {
                    var v = Vector512.LoadUnsafe(ref x, (nuint)i);
                    var pairs = VectorMath.MultiplyAddAdjacent(v, v).AsUInt32();
                    sum512 += Vector512.WidenLower(pairs) + Vector512.WidenUpper(pairs);
                }

                sum = Vector512.Sum(sum512);
                break;
            case VectorWidth.V256:
                var sum256 = Vector256<ulong>.Zero;
                for (; i <= length - Vector256<short>.Count; i += Vector256<short>.Count)
                {
                    var v = Vector256.LoadUnsafe(ref x, (nuint)i);
                    var pairs = VectorMath.MultiplyAddAdjacent(v, v).AsUInt32();
                    sum256 += Vector256.WidenLower(pairs) + Vector256.WidenUpper(pairs);
                }

                sum = Vector256.Sum(sum256);
                break;
            case VectorWidth.V128:
                var sum128 = Vector128<ulong>.Zero;
                for (; i <= length - Vector128<short>.Count; i += Vector128<short>.Count)
                {
                    var v = Vector128.LoadUnsafe(ref x, (nuint)i);
                    var pairs = VectorMath.MultiplyAddAdjacent(v, v).AsUInt32();
                    sum128 += Vector128.WidenLower(pairs) + Vector128.WidenUpper(pairs);
                }

                sum = Vector128.Sum(sum128);
                break;
        }

        for (; i < length; i++)
        {
            var sample = Unsafe.Add(ref x, i);
            sum += (ulong)(sample * sample);
        }

        return sum;
    }
}
