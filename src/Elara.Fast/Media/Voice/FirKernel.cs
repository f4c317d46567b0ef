using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// The FIR kernel behind decimation and interpolation: every output sample is one dot product of Q15 taps
/// with a contiguous input window, <c>y = clamp((Σ taps[k] * x[start + k] + 0x4000) &gt;&gt; 15)</c>.
/// Decimation by M uses one tap set and windows M samples apart; interpolation by L uses L polyphase tap
/// sets on the same window. The sum is exact 32-bit integer arithmetic, so the order in which a vector path
/// adds the products does not change a bit.
/// </summary>
/// <remarks>
/// Each tap set is stored <see cref="FirTaps.Stride"/> shorts apart, zero-padded to a multiple of 32 so every
/// vector path reads whole registers; the scalar twin only reads the real taps. A vector path handles the
/// outputs whose padded window still lies inside the input and leaves the rest to the scalar twin.
/// </remarks>
internal static class FirKernel
{
    /// <summary>Runs the filter.</summary>
    /// <param name="input">The samples; output i reads <c>input[(i / phases) * step ..][..taps.Length]</c>.</param>
    /// <param name="taps">The tap sets.</param>
    /// <param name="step">Input samples between successive windows (M for decimation, 1 for interpolation).</param>
    /// <param name="output">The output samples.</param>
    /// <param name="width">The path to run.</param>
    public static void Run(ReadOnlySpan<short> input, FirTaps taps, int step, Span<short> output, VectorWidth width)
    {
        var phases = taps.Phases;
        if (output.Length > 0 && ((long)((output.Length - 1) / phases) * step) + taps.Length > input.Length)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(input), "The input is too short for the requested output.");
        }

        ref var x = ref MemoryMarshal.GetReference(input);
        ref var h = ref MemoryMarshal.GetArrayDataReference(taps.Coefficients);
        ref var y = ref MemoryMarshal.GetReference(output);
        var stride = taps.Stride;

        // Outputs whose whole padded window fits the input can run on any vector path.
        var vectorOutputs = 0;
        if (input.Length >= stride)
        {
            vectorOutputs = Math.Min(output.Length, (((input.Length - stride) / step) + 1) * phases);
        }

        var done = VectorWidths.Resolve(width) switch
        {
            VectorWidth.V512 => Run512(ref x, ref h, stride, phases, step, ref y, vectorOutputs),
            VectorWidth.V256 => Run256(ref x, ref h, stride, phases, step, ref y, vectorOutputs),
            VectorWidth.V128 => Run128(ref x, ref h, stride, phases, step, ref y, vectorOutputs),
            _ => 0,
        };

        // The scalar twin; after a vector path it finishes the tail, resuming mid-block when the path stopped there.
        var length = taps.Length;
        var i = done;
        for (nint start = (nint)(done / phases) * step; i < output.Length; start += step)
        {
            ref var window = ref Unsafe.Add(ref x, start);
            for (var p = i % phases; p < phases && i < output.Length; p++, i++)
            {
                ref var phase = ref Unsafe.Add(ref h, (nint)p * stride);
                var sum = 0;
                for (var k = 0; k < length; k++)
                {
                    sum += Unsafe.Add(ref phase, k) * Unsafe.Add(ref window, k);
                }

                Unsafe.Add(ref y, i) = Round(sum);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static short Round(int sum) => (short)Math.Clamp((sum + 0x4000) >> 15, short.MinValue, short.MaxValue);

    private static int Run512(ref short x, ref short h, int stride, int phases, int step, ref short y, int count)
    {
        // Blocks and phases are nested loops rather than i / phases per output: a division costs more than the taps.
        var i = 0;
        for (nint start = 0; i < count; start += step)
        {
            ref var window = ref Unsafe.Add(ref x, start);
            for (var p = 0; p < phases && i < count; p++, i++)
            {
                ref var phase = ref Unsafe.Add(ref h, (nint)p * stride);
                var sum = Vector512<int>.Zero;
                for (var k = 0; k < stride; k += Vector512<short>.Count)
                {
                    sum += VectorMath.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref window, (nuint)k), Vector512.LoadUnsafe(ref phase, (nuint)k));
                }

                Unsafe.Add(ref y, i) = Round(Vector512.Sum(sum));
            }
        }

        return count;
    }

    private static int Run256(ref short x, ref short h, int stride, int phases, int step, ref short y, int count)
    {
        // Blocks and phases are nested loops rather than i / phases per output: a division costs more than the taps.
        var i = 0;
        for (nint start = 0; i < count; start += step)
        {
            ref var window = ref Unsafe.Add(ref x, start);
            for (var p = 0; p < phases && i < count; p++, i++)
            {
                ref var phase = ref Unsafe.Add(ref h, (nint)p * stride);
                var sum = Vector256<int>.Zero;
                for (var k = 0; k < stride; k += Vector256<short>.Count)
                {
                    sum += VectorMath.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref window, (nuint)k), Vector256.LoadUnsafe(ref phase, (nuint)k));
                }

                Unsafe.Add(ref y, i) = Round(Vector256.Sum(sum));
            }
        }

        return count;
    }

    private static int Run128(ref short x, ref short h, int stride, int phases, int step, ref short y, int count)
    {
        // Blocks and phases are nested loops rather than i / phases per output: a division costs more than the taps.
        var i = 0;
        for (nint start = 0; i < count; start += step)
        {
            ref var window = ref Unsafe.Add(ref x, start);
            for (var p = 0; p < phases && i < count; p++, i++)
            {
                ref var phase = ref Unsafe.Add(ref h, (nint)p * stride);
                var sum = Vector128<int>.Zero;
                for (var k = 0; k < stride; k += Vector128<short>.Count)
                {
                    sum += VectorMath.MultiplyAddAdjacent(Vector128.LoadUnsafe(ref window, (nuint)k), Vector128.LoadUnsafe(ref phase, (nuint)k));
                }

                Unsafe.Add(ref y, i) = Round(Vector128.Sum(sum));
            }
        }

        return count;
    }
}
