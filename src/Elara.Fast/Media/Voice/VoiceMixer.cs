using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// The conference mixer kernel: sums N PCM16 streams sample by sample in 32-bit and saturates the sum once
/// to [-32768, 32767]. Summing wide and clipping once (rather than a chain of saturating 16-bit adds) makes
/// the result independent of stream order: a loud talker clipped early cannot swallow a quieter one.
/// </summary>
public static class VoiceMixer
{
    /// <summary>The most streams one call mixes: 65 536 full-scale samples still fit a 32-bit sum.</summary>
    public const int MaxStreams = 65_536;

    /// <summary>Mixes with the widest vector path this CPU offers (see <see cref="Mix(ReadOnlySpan{short}, int, Span{short}, VectorWidth)"/>).</summary>
    /// <param name="streams">The streams back to back: stream k is <c>streams[(k * output.Length)..((k + 1) * output.Length)]</c>.</param>
    /// <param name="streamCount">How many streams <paramref name="streams"/> holds (0 writes silence).</param>
    /// <param name="output">Receives the saturated sum; its length is the frame length.</param>
    public static void Mix(ReadOnlySpan<short> streams, int streamCount, Span<short> output) =>
        Mix(streams, streamCount, output, VectorWidths.Widest);

    /// <summary>
    /// Mixes <paramref name="streamCount"/> frames of <c>output.Length</c> samples stored back to back in
    /// <paramref name="streams"/>: <c>output[i] = clamp(Σk streams[k * n + i], -32768, 32767)</c>.
    /// </summary>
    /// <param name="streams">The streams back to back: stream k is <c>streams[(k * output.Length)..((k + 1) * output.Length)]</c>.</param>
    /// <param name="streamCount">How many streams <paramref name="streams"/> holds (0 writes silence).</param>
    /// <param name="output">Receives the saturated sum; it may not overlap <paramref name="streams"/> except as stream 0 exactly.</param>
    /// <param name="width">The path to run (lowered to what the CPU offers).</param>
    /// <exception cref="ArgumentOutOfRangeException">The stream count is negative, above <see cref="MaxStreams"/>, or <paramref name="streams"/> is shorter than <c>streamCount * output.Length</c>.</exception>
    public static void Mix(ReadOnlySpan<short> streams, int streamCount, Span<short> output, VectorWidth width)
    {
        if ((uint)streamCount > MaxStreams)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(streamCount), "The stream count must be between 0 and 65536.");
        }

        var length = output.Length;
        if ((long)streamCount * length > streams.Length)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(streams), "The streams span is shorter than streamCount * output.Length.");
        }

        ref var source = ref MemoryMarshal.GetReference(streams);
        ref var destination = ref MemoryMarshal.GetReference(output);
        var done = VectorWidths.Resolve(width) switch
        {
            VectorWidth.V512 => Mix512(ref source, streamCount, ref destination, length),
            VectorWidth.V256 => Mix256(ref source, streamCount, ref destination, length),
            VectorWidth.V128 => Mix128(ref source, streamCount, ref destination, length),
            _ => 0,
        };
        MixScalar(ref source, streamCount, ref destination, done, length);
    }

    /// <summary>The scalar twin: also finishes the tail the vector paths leave.</summary>
    private static void MixScalar(ref short source, int streamCount, ref short destination, int start, int length)
    {
        for (var i = start; i < length; i++)
        {
            var sum = 0;
            for (var k = 0; k < streamCount; k++)
            {
                sum += Unsafe.Add(ref source, ((nint)k * length) + i);
            }

            Unsafe.Add(ref destination, i) = (short)Math.Clamp(sum, short.MinValue, short.MaxValue);
        }
    }

    private static int Mix512(ref short source, int streamCount, ref short destination, int length)
    {
        var i = 0;
        for (; i <= length - Vector512<short>.Count; i += Vector512<short>.Count)
        {
            var lower = Vector512<int>.Zero;
            var upper = Vector512<int>.Zero;
            for (var k = 0; k < streamCount; k++)
            {
                var samples = Vector512.LoadUnsafe(ref source, (nuint)(((nint)k * length) + i));
                lower += Vector512.WidenLower(samples);
                upper += Vector512.WidenUpper(samples);
            }

            Vector512.NarrowWithSaturation(lower, upper).StoreUnsafe(ref destination, (nuint)i);
        }

        return i;
    }

    private static int Mix256(ref short source, int streamCount, ref short destination, int length)
    {
        var i = 0;
        for (; i <= length - Vector256<short>.Count; i += Vector256<short>.Count)
        {
            var lower = Vector256<int>.Zero;
            var upper = Vector256<int>.Zero;
            for (var k = 0; k < streamCount; k++)
            {
                var samples = Vector256.LoadUnsafe(ref source, (nuint)(((nint)k * length) + i));
                lower += Vector256.WidenLower(samples);
                upper += Vector256.WidenUpper(samples);
            }

            Vector256.NarrowWithSaturation(lower, upper).StoreUnsafe(ref destination, (nuint)i);
        }

        return i;
    }

    private static int Mix128(ref short source, int streamCount, ref short destination, int length)
    {
        var i = 0;
        for (; i <= length - Vector128<short>.Count; i += Vector128<short>.Count)
        {
            var lower = Vector128<int>.Zero;
            var upper = Vector128<int>.Zero;
            for (var k = 0; k < streamCount; k++)
            {
                var samples = Vector128.LoadUnsafe(ref source, (nuint)(((nint)k * length) + i));
                lower += Vector128.WidenLower(samples);
                upper += Vector128.WidenUpper(samples);
            }

            Vector128.NarrowWithSaturation(lower, upper).StoreUnsafe(ref destination, (nuint)i);
        }

        return i;
    }
}
