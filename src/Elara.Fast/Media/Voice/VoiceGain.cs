using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// Gain in Q15 on PCM16: <c>y = clamp((x * gain + 0x4000) &gt;&gt; 15, -32768, 32767)</c>, an arithmetic
/// (floor) shift after adding half an LSB, so it rounds to nearest with ties towards +∞. 32768 is unity,
/// 16384 is −6 dB, 65535 is just under +6 dB; a negative gain also inverts the phase.
/// </summary>
public static class VoiceGain
{
    /// <summary>Unity gain in Q15.</summary>
    public const int Unity = 1 << 15;

    /// <summary>The largest gain magnitude: |x * gain| + 0x4000 must stay below 2^31.</summary>
    public const int MaxMagnitude = 65_535;

    /// <summary>Applies the gain with the widest vector path this CPU offers.</summary>
    /// <param name="source">The input samples.</param>
    /// <param name="destination">The output, at least as long as <paramref name="source"/>; it may be <paramref name="source"/> itself.</param>
    /// <param name="gainQ15">The gain in Q15, between -65535 and 65535.</param>
    public static void Apply(ReadOnlySpan<short> source, Span<short> destination, int gainQ15) =>
        Apply(source, destination, gainQ15, VectorWidths.Widest);

    /// <summary>Applies the gain with the given path.</summary>
    /// <param name="source">The input samples.</param>
    /// <param name="destination">The output, at least as long as <paramref name="source"/>; it may be <paramref name="source"/> itself.</param>
    /// <param name="gainQ15">The gain in Q15, between -65535 and 65535.</param>
    /// <param name="width">The path to run (lowered to what the CPU offers).</param>
    /// <exception cref="ArgumentOutOfRangeException">The gain is out of range or the destination is too short.</exception>
    public static void Apply(ReadOnlySpan<short> source, Span<short> destination, int gainQ15, VectorWidth width)
    {
        if (gainQ15 is < -MaxMagnitude or > MaxMagnitude)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(gainQ15), "The Q15 gain must be between -65535 and 65535.");
        }

        if (destination.Length < source.Length)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(destination), "The destination is shorter than the source.");
        }

        ref var input = ref MemoryMarshal.GetReference(source);
        ref var output = ref MemoryMarshal.GetReference(destination);
        var length = source.Length;
        var done = VectorWidths.Resolve(width) switch
        {
            VectorWidth.V512 => Apply512(ref input, ref output, length, gainQ15),
            VectorWidth.V256 => Apply256(ref input, ref output, length, gainQ15),
            VectorWidth.V128 => Apply128(ref input, ref output, length, gainQ15),
            _ => 0,
        };
        for (var i = done; i < length; i++)
        {
            Unsafe.Add(ref output, i) = Scale(Unsafe.Add(ref input, i), gainQ15);
        }
    }

    /// <summary>The scalar twin for one sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short Scale(short sample, int gainQ15) => (short)Math.Clamp(((sample * gainQ15) + 0x4000) >> 15, short.MinValue, short.MaxValue);

    private static int Apply512(ref short input, ref short output, int length, int gainQ15)
    {
        var gain = Vector512.Create(gainQ15);
        var half = Vector512.Create(0x4000);
        var i = 0;
        for (; i <= length - Vector512<short>.Count; i += Vector512<short>.Count)
        {
            var x = Vector512.LoadUnsafe(ref input, (nuint)i);
            var lower = Vector512.ShiftRightArithmetic((Vector512.WidenLower(x) * gain) + half, 15);
            var upper = Vector512.ShiftRightArithmetic((Vector512.WidenUpper(x) * gain) + half, 15);
            Vector512.NarrowWithSaturation(lower, upper).StoreUnsafe(ref output, (nuint)i);
        }

        return i;
    }

    private static int Apply256(ref short input, ref short output, int length, int gainQ15)
    {
        var gain = Vector256.Create(gainQ15);
        var half = Vector256.Create(0x4000);
        var i = 0;
        for (; i <= length - Vector256<short>.Count; i += Vector256<short>.Count)
        {
            var x = Vector256.LoadUnsafe(ref input, (nuint)i);
            var lower = Vector256.ShiftRightArithmetic((Vector256.WidenLower(x) * gain) + half, 15);
            var upper = Vector256.ShiftRightArithmetic((Vector256.WidenUpper(x) * gain) + half, 15);
            Vector256.NarrowWithSaturation(lower, upper).StoreUnsafe(ref output, (nuint)i);
        }

        return i;
    }

    private static int Apply128(ref short input, ref short output, int length, int gainQ15)
    {
        var gain = Vector128.Create(gainQ15);
        var half = Vector128.Create(0x4000);
        var i = 0;
        for (; i <= length - Vector128<short>.Count; i += Vector128<short>.Count)
        {
            var x = Vector128.LoadUnsafe(ref input, (nuint)i);
            var lower = Vector128.ShiftRightArithmetic((Vector128.WidenLower(x) * gain) + half, 15);
            var upper = Vector128.ShiftRightArithmetic((Vector128.WidenUpper(x) * gain) + half, 15);
            Vector128.NarrowWithSaturation(lower, upper).StoreUnsafe(ref output, (nuint)i);
        }

        return i;
    }
}
