using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// ITU-T G.711 µ-law and A-law (one byte per 8 kHz sample), from and to PCM16.
/// </summary>
/// <remarks>
/// <para>G.711 defines the code for a 14-bit (µ-law) or 13-bit (A-law) linear value; the scalar twin is the
/// segment search of the Sun Microsystems reference <c>g711.c</c> (public domain) that SoX and most Unix tools
/// ship. How a 16-bit sample becomes a 14/13-bit one is outside G.711: we round to nearest (ties up) and clip
/// at the positive end, <c>min((x + 2) &gt;&gt; 2, 8191)</c> and <c>min((x + 4) &gt;&gt; 3, 4095)</c>, exactly
/// as SoX 14.4 does (its <c>SOX_SAMPLE_TO_SIGNED</c>), so our bytes equal <c>sox -D … -e mu-law</c> for every
/// one of the 65 536 inputs (integration test). The ITU G.191 reference truncates instead and so differs by
/// one code on about one input in 130; rounding halves the worst-case error, so we keep SoX's choice.</para>
/// <para>Decoding is the standard expansion (<c>ulaw2linear</c>/<c>alaw2linear</c>); it is exact in any convention.</para>
/// <para>The vector paths use the float exponent instead of a segment search: for a magnitude m ≥ 32 the
/// IEEE-754 bits of <c>(float)m</c> shifted right by 19 are <c>(⌊log2 m⌋ + 127) * 16 + the four bits below the
/// leading one</c>, which is the segment and mantissa of the code up to a constant.</para>
/// </remarks>
public static class G711
{
    // Sun g711.c constants: BIAS 0x84 (µ-law, 16-bit scale), CLIP 8159 (14-bit scale).
    private const int MuLawBias = 0x84;
    private const int MuLawClip = 8159;

    private static ReadOnlySpan<short> MuLawSegmentEnds => [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF];

    private static ReadOnlySpan<short> ALawSegmentEnds => [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF];

    /// <summary>Encodes PCM16 to µ-law with the widest vector path.</summary>
    /// <param name="source">The samples.</param>
    /// <param name="destination">One byte per sample, at least as long as <paramref name="source"/>.</param>
    public static void EncodeMuLaw(ReadOnlySpan<short> source, Span<byte> destination) => EncodeMuLaw(source, destination, VectorWidths.Widest);

    /// <summary>Encodes PCM16 to µ-law with the given path.</summary>
    /// <param name="source">The samples.</param>
    /// <param name="destination">One byte per sample, at least as long as <paramref name="source"/>.</param>
    /// <param name="width">The path to run (lowered to what the CPU offers).</param>
    public static void EncodeMuLaw(ReadOnlySpan<short> source, Span<byte> destination, VectorWidth width) =>
        Encode(source, destination, width, muLaw: true);

    /// <summary>Encodes PCM16 to A-law with the widest vector path.</summary>
    /// <param name="source">The samples.</param>
    /// <param name="destination">One byte per sample, at least as long as <paramref name="source"/>.</param>
    public static void EncodeALaw(ReadOnlySpan<short> source, Span<byte> destination) => EncodeALaw(source, destination, VectorWidths.Widest);

    /// <summary>Encodes PCM16 to A-law with the given path.</summary>
    /// <param name="source">The samples.</param>
    /// <param name="destination">One byte per sample, at least as long as <paramref name="source"/>.</param>
    /// <param name="width">The path to run (lowered to what the CPU offers).</param>
    public static void EncodeALaw(ReadOnlySpan<short> source, Span<byte> destination, VectorWidth width) =>
        Encode(source, destination, width, muLaw: false);

    /// <summary>Decodes µ-law to PCM16 with the widest vector path.</summary>
    /// <param name="source">The codes.</param>
    /// <param name="destination">One sample per code, at least as long as <paramref name="source"/>.</param>
    public static void DecodeMuLaw(ReadOnlySpan<byte> source, Span<short> destination) => DecodeMuLaw(source, destination, VectorWidths.Widest);

    /// <summary>Decodes µ-law to PCM16 with the given path.</summary>
    /// <param name="source">The codes.</param>
    /// <param name="destination">One sample per code, at least as long as <paramref name="source"/>.</param>
    /// <param name="width">The path to run (lowered to what the CPU offers).</param>
    public static void DecodeMuLaw(ReadOnlySpan<byte> source, Span<short> destination, VectorWidth width) =>
        Decode(source, destination, width, muLaw: true);

    /// <summary>Decodes A-law to PCM16 with the widest vector path.</summary>
    /// <param name="source">The codes.</param>
    /// <param name="destination">One sample per code, at least as long as <paramref name="source"/>.</param>
    public static void DecodeALaw(ReadOnlySpan<byte> source, Span<short> destination) => DecodeALaw(source, destination, VectorWidths.Widest);

    /// <summary>Decodes A-law to PCM16 with the given path.</summary>
    /// <param name="source">The codes.</param>
    /// <param name="destination">One sample per code, at least as long as <paramref name="source"/>.</param>
    /// <param name="width">The path to run (lowered to what the CPU offers).</param>
    public static void DecodeALaw(ReadOnlySpan<byte> source, Span<short> destination, VectorWidth width) =>
        Decode(source, destination, width, muLaw: false);

    /// <summary>The scalar twin: one µ-law code (Sun <c>linear2ulaw</c> after SoX's rounding to 14 bits).</summary>
    /// <param name="sample">The PCM16 sample.</param>
    /// <returns>The µ-law code.</returns>
    public static byte EncodeMuLaw(short sample)
    {
        var value = Math.Min((sample + 2) >> 2, 8191);
        int mask;
        if (value < 0)
        {
            value = -value;
            mask = 0x7F;
        }
        else
        {
            mask = 0xFF;
        }

        value = Math.Min(value, MuLawClip) + (MuLawBias >> 2);
        var segment = Search(value, MuLawSegmentEnds);
        return segment >= 8
            ? (byte)(0x7F ^ mask)
            : (byte)(((segment << 4) | ((value >> (segment + 1)) & 0xF)) ^ mask);
    }

    /// <summary>The scalar twin: one A-law code (Sun <c>linear2alaw</c> after SoX's rounding to 13 bits).</summary>
    /// <param name="sample">The PCM16 sample.</param>
    /// <returns>The A-law code.</returns>
    public static byte EncodeALaw(short sample)
    {
        var value = Math.Min((sample + 4) >> 3, 4095);
        int mask;
        if (value >= 0)
        {
            mask = 0xD5;
        }
        else
        {
            mask = 0x55;
            value = -value - 1;
        }

        var segment = Search(value, ALawSegmentEnds);
        if (segment >= 8)
        {
            return (byte)(0x7F ^ mask);
        }

        var code = (segment << 4) | ((segment < 2 ? value >> 1 : value >> segment) & 0xF);
        return (byte)(code ^ mask);
    }

    /// <summary>The scalar twin: one µ-law code expanded to PCM16 (Sun <c>ulaw2linear</c>).</summary>
    /// <param name="code">The µ-law code.</param>
    /// <returns>The sample.</returns>
    public static short DecodeMuLaw(byte code)
    {
        var u = ~code & 0xFF;
        var t = (((u & 0xF) << 3) + MuLawBias) << ((u & 0x70) >> 4);
        return (short)((u & 0x80) != 0 ? MuLawBias - t : t - MuLawBias);
    }

    /// <summary>The scalar twin: one A-law code expanded to PCM16 (Sun <c>alaw2linear</c>).</summary>
    /// <param name="code">The A-law code.</param>
    /// <returns>The sample.</returns>
    public static short DecodeALaw(byte code)
    {
        var a = code ^ 0x55;
        var t = (a & 0xF) << 4;
        var segment = (a & 0x70) >> 4;
        t = segment switch
        {
            0 => t + 8,
            1 => t + 0x108,
            _ => (t + 0x108) << (segment - 1),
        };
        return (short)((a & 0x80) != 0 ? t : -t);
    }

    private static int Search(int value, ReadOnlySpan<short> ends)
    {
        for (var i = 0; i < ends.Length; i++)
        {
            if (value <= ends[i])
            {
                return i;
            }
        }

        return ends.Length;
    }

    private static void Encode(ReadOnlySpan<short> source, Span<byte> destination, VectorWidth width, bool muLaw)
    {
        if (destination.Length < source.Length)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(destination), "The destination is shorter than the source.");
        }

        ref var input = ref MemoryMarshal.GetReference(source);
        ref var output = ref MemoryMarshal.GetReference(destination);
        var length = source.Length;
        var done = VectorWidths.Resolve(width) switch
        {
            VectorWidth.V512 => Encode512(ref input, ref output, length, muLaw),
            VectorWidth.V256 => Encode256(ref input, ref output, length, muLaw),
            VectorWidth.V128 => Encode128(ref input, ref output, length, muLaw),
            _ => 0,
        };
        for (var i = done; i < length; i++)
        {
            var sample = Unsafe.Add(ref input, i);
            Unsafe.Add(ref output, i) = muLaw ? EncodeMuLaw(sample) : EncodeALaw(sample);
        }
    }

    private static void Decode(ReadOnlySpan<byte> source, Span<short> destination, VectorWidth width, bool muLaw)
    {
        if (destination.Length < source.Length)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(destination), "The destination is shorter than the source.");
        }

        ref var input = ref MemoryMarshal.GetReference(source);
        ref var output = ref MemoryMarshal.GetReference(destination);
        var length = source.Length;
        var done = VectorWidths.Resolve(width) switch
        {
            VectorWidth.V512 => Decode512(ref input, ref output, length, muLaw),
            VectorWidth.V256 => Decode256(ref input, ref output, length, muLaw),
            VectorWidth.V128 => Decode128(ref input, ref output, length, muLaw),
            _ => 0,
        };
        for (var i = done; i < length; i++)
        {
            var code = Unsafe.Add(ref input, i);
            Unsafe.Add(ref output, i) = muLaw ? DecodeMuLaw(code) : DecodeALaw(code);
        }
    }

    // ---- vector paths -------------------------------------------------------------------------------------
    // Encode, per lane (16-bit unless widened):
    //   µ-law: v = min((x >> 2) + ((x >> 1) & 1), 8191)   (== min((x + 2) >> 2, 8191) without overflowing x + 2)
    //          m = min(|v|, 8158) + 33 in [33, 8191]; code = (bits((float)m) >> 19) - (127 + 5) * 16; code ^= v < 0 ? 0x7F : 0xFF
    //          (m is capped at 8158 + 33 = 0x1FFF: Sun's CLIP 8159 + 33 lands in "segment 8", whose code 0x7F equals 0x1FFF's)
    //   A-law: v = min((x >> 3) + ((x >> 2) & 1), 4095); m = v < 0 ? ~v : v in [0, 4095]
    //          code = m < 32 ? m >> 1 : (bits((float)m) >> 19) - (127 + 4) * 16; code ^= v < 0 ? 0x55 : 0xD5
    // Decode: t = (33 + 2 * mantissa) << (segment + 2) is the float 1.(2·mantissa+1)/32 · 2^(segment + 7), so its bits are
    //   ((code & 0x7F) << 19) + ((134 << 23) | (1 << 18)); A-law segment 0 is linear instead: 16 * mantissa + 8.
    private const int MuLawExponentOffset = (127 + 5) * 16;
    private const int ALawExponentOffset = (127 + 4) * 16;
    private const int ExpandedBits = (134 << 23) | (1 << 18);

    private static int Encode512(ref short input, ref byte output, int length, bool muLaw)
    {
        var i = 0;
        for (; i <= length - Vector512<byte>.Count; i += Vector512<byte>.Count)
        {
            var first = Encode512(Vector512.LoadUnsafe(ref input, (nuint)i), muLaw);
            var second = Encode512(Vector512.LoadUnsafe(ref input, (nuint)(i + Vector512<short>.Count)), muLaw);
            Vector512.Narrow(first, second).StoreUnsafe(ref output, (nuint)i);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> Encode512(Vector512<short> x, bool muLaw)
    {
        var shift = muLaw ? 2 : 3;
        var rounded = Vector512.ShiftRightArithmetic(x, shift) + (Vector512.ShiftRightArithmetic(x, shift - 1) & Vector512<short>.One);
        var value = Vector512.Min(rounded, Vector512.Create((short)(muLaw ? 8191 : 4095)));
        var negative = Vector512.LessThan(value, Vector512<short>.Zero);
        Vector512<short> magnitude = muLaw
            ? Vector512.Min(Vector512.Abs(value), Vector512.Create((short)8158)) + Vector512.Create((short)33)
            : value ^ negative;
        var offset = Vector512.Create(muLaw ? MuLawExponentOffset : ALawExponentOffset);
        var lower = Vector512.ShiftRightLogical(Vector512.ConvertToSingle(Vector512.WidenLower(magnitude)).AsInt32(), 19) - offset;
        var upper = Vector512.ShiftRightLogical(Vector512.ConvertToSingle(Vector512.WidenUpper(magnitude)).AsInt32(), 19) - offset;
        var code = Vector512.Narrow(lower, upper);
        if (!muLaw)
        {
            code = Vector512.ConditionalSelect(Vector512.LessThan(magnitude, Vector512.Create((short)32)), Vector512.ShiftRightArithmetic(magnitude, 1), code);
        }

        var mask = muLaw
            ? Vector512.Create((short)0xFF) ^ (negative & Vector512.Create((short)0x80))
            : Vector512.Create((short)0xD5) ^ (negative & Vector512.Create((short)0x80));
        return (code ^ mask).AsUInt16();
    }

    private static int Encode256(ref short input, ref byte output, int length, bool muLaw)
    {
        var i = 0;
        for (; i <= length - Vector256<byte>.Count; i += Vector256<byte>.Count)
        {
            var first = Encode256(Vector256.LoadUnsafe(ref input, (nuint)i), muLaw);
            var second = Encode256(Vector256.LoadUnsafe(ref input, (nuint)(i + Vector256<short>.Count)), muLaw);
            Vector256.Narrow(first, second).StoreUnsafe(ref output, (nuint)i);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Encode256(Vector256<short> x, bool muLaw)
    {
        var shift = muLaw ? 2 : 3;
        var rounded = Vector256.ShiftRightArithmetic(x, shift) + (Vector256.ShiftRightArithmetic(x, shift - 1) & Vector256<short>.One);
        var value = Vector256.Min(rounded, Vector256.Create((short)(muLaw ? 8191 : 4095)));
        var negative = Vector256.LessThan(value, Vector256<short>.Zero);
        Vector256<short> magnitude = muLaw
            ? Vector256.Min(Vector256.Abs(value), Vector256.Create((short)8158)) + Vector256.Create((short)33)
            : value ^ negative;
        var offset = Vector256.Create(muLaw ? MuLawExponentOffset : ALawExponentOffset);
        var lower = Vector256.ShiftRightLogical(Vector256.ConvertToSingle(Vector256.WidenLower(magnitude)).AsInt32(), 19) - offset;
        var upper = Vector256.ShiftRightLogical(Vector256.ConvertToSingle(Vector256.WidenUpper(magnitude)).AsInt32(), 19) - offset;
        var code = Vector256.Narrow(lower, upper);
        if (!muLaw)
        {
            code = Vector256.ConditionalSelect(Vector256.LessThan(magnitude, Vector256.Create((short)32)), Vector256.ShiftRightArithmetic(magnitude, 1), code);
        }

        var mask = muLaw
            ? Vector256.Create((short)0xFF) ^ (negative & Vector256.Create((short)0x80))
            : Vector256.Create((short)0xD5) ^ (negative & Vector256.Create((short)0x80));
        return (code ^ mask).AsUInt16();
    }

    private static int Encode128(ref short input, ref byte output, int length, bool muLaw)
    {
        var i = 0;
        for (; i <= length - Vector128<byte>.Count; i += Vector128<byte>.Count)
        {
            var first = Encode128(Vector128.LoadUnsafe(ref input, (nuint)i), muLaw);
            var second = Encode128(Vector128.LoadUnsafe(ref input, (nuint)(i + Vector128<short>.Count)), muLaw);
            Vector128.Narrow(first, second).StoreUnsafe(ref output, (nuint)i);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> Encode128(Vector128<short> x, bool muLaw)
    {
        var shift = muLaw ? 2 : 3;
        var rounded = Vector128.ShiftRightArithmetic(x, shift) + (Vector128.ShiftRightArithmetic(x, shift - 1) & Vector128<short>.One);
        var value = Vector128.Min(rounded, Vector128.Create((short)(muLaw ? 8191 : 4095)));
        var negative = Vector128.LessThan(value, Vector128<short>.Zero);
        Vector128<short> magnitude = muLaw
            ? Vector128.Min(Vector128.Abs(value), Vector128.Create((short)8158)) + Vector128.Create((short)33)
            : value ^ negative;
        var offset = Vector128.Create(muLaw ? MuLawExponentOffset : ALawExponentOffset);
        var lower = Vector128.ShiftRightLogical(Vector128.ConvertToSingle(Vector128.WidenLower(magnitude)).AsInt32(), 19) - offset;
        var upper = Vector128.ShiftRightLogical(Vector128.ConvertToSingle(Vector128.WidenUpper(magnitude)).AsInt32(), 19) - offset;
        var code = Vector128.Narrow(lower, upper);
        if (!muLaw)
        {
            code = Vector128.ConditionalSelect(Vector128.LessThan(magnitude, Vector128.Create((short)32)), Vector128.ShiftRightArithmetic(magnitude, 1), code);
        }

        var mask = muLaw
            ? Vector128.Create((short)0xFF) ^ (negative & Vector128.Create((short)0x80))
            : Vector128.Create((short)0xD5) ^ (negative & Vector128.Create((short)0x80));
        return (code ^ mask).AsUInt16();
    }

    private static int Decode512(ref byte input, ref short output, int length, bool muLaw)
    {
        var i = 0;
        for (; i <= length - Vector512<byte>.Count; i += Vector512<byte>.Count)
        {
            var codes = Vector512.LoadUnsafe(ref input, (nuint)i);
            Decode512(Vector512.WidenLower(codes).AsInt16(), muLaw).StoreUnsafe(ref output, (nuint)i);
            Decode512(Vector512.WidenUpper(codes).AsInt16(), muLaw).StoreUnsafe(ref output, (nuint)(i + Vector512<short>.Count));
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Decode512(Vector512<short> code, bool muLaw)
    {
        // µ-law stores the code inverted, A-law with even bits inverted; after that, bit 7 is the sign (µ-law: set = negative).
        var u = code ^ Vector512.Create((short)(muLaw ? 0xFF : 0x55));
        var bits = Vector512.Create(ExpandedBits);
        var low7 = u & Vector512.Create((short)0x7F);
        var lower = Vector512.ConvertToInt32((Vector512.ShiftLeft(Vector512.WidenLower(low7), 19) + bits).AsSingle());
        var upper = Vector512.ConvertToInt32((Vector512.ShiftLeft(Vector512.WidenUpper(low7), 19) + bits).AsSingle());
        var t = Vector512.Narrow(lower, upper);
        var sign = Vector512.Equals(u & Vector512.Create((short)0x80), Vector512<short>.Zero);
        if (muLaw)
        {
            t -= Vector512.Create((short)MuLawBias);
            return Vector512.ConditionalSelect(sign, t, -t);
        }

        var linear = Vector512.ShiftLeft(low7 & Vector512.Create((short)0xF), 4) + Vector512.Create((short)8);
        t = Vector512.ConditionalSelect(Vector512.LessThan(low7, Vector512.Create((short)0x10)), linear, t);
        return Vector512.ConditionalSelect(sign, -t, t);
    }

    private static int Decode256(ref byte input, ref short output, int length, bool muLaw)
    {
        var i = 0;
        for (; i <= length - Vector256<byte>.Count; i += Vector256<byte>.Count)
        {
            var codes = Vector256.LoadUnsafe(ref input, (nuint)i);
            Decode256(Vector256.WidenLower(codes).AsInt16(), muLaw).StoreUnsafe(ref output, (nuint)i);
            Decode256(Vector256.WidenUpper(codes).AsInt16(), muLaw).StoreUnsafe(ref output, (nuint)(i + Vector256<short>.Count));
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Decode256(Vector256<short> code, bool muLaw)
    {
        // µ-law stores the code inverted, A-law with even bits inverted; after that, bit 7 is the sign (µ-law: set = negative).
        var u = code ^ Vector256.Create((short)(muLaw ? 0xFF : 0x55));
        var bits = Vector256.Create(ExpandedBits);
        var low7 = u & Vector256.Create((short)0x7F);
        var lower = Vector256.ConvertToInt32((Vector256.ShiftLeft(Vector256.WidenLower(low7), 19) + bits).AsSingle());
        var upper = Vector256.ConvertToInt32((Vector256.ShiftLeft(Vector256.WidenUpper(low7), 19) + bits).AsSingle());
        var t = Vector256.Narrow(lower, upper);
        var sign = Vector256.Equals(u & Vector256.Create((short)0x80), Vector256<short>.Zero);
        if (muLaw)
        {
            t -= Vector256.Create((short)MuLawBias);
            return Vector256.ConditionalSelect(sign, t, -t);
        }

        var linear = Vector256.ShiftLeft(low7 & Vector256.Create((short)0xF), 4) + Vector256.Create((short)8);
        t = Vector256.ConditionalSelect(Vector256.LessThan(low7, Vector256.Create((short)0x10)), linear, t);
        return Vector256.ConditionalSelect(sign, -t, t);
    }

    private static int Decode128(ref byte input, ref short output, int length, bool muLaw)
    {
        var i = 0;
        for (; i <= length - Vector128<byte>.Count; i += Vector128<byte>.Count)
        {
            var codes = Vector128.LoadUnsafe(ref input, (nuint)i);
            Decode128(Vector128.WidenLower(codes).AsInt16(), muLaw).StoreUnsafe(ref output, (nuint)i);
            Decode128(Vector128.WidenUpper(codes).AsInt16(), muLaw).StoreUnsafe(ref output, (nuint)(i + Vector128<short>.Count));
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Decode128(Vector128<short> code, bool muLaw)
    {
        // µ-law stores the code inverted, A-law with even bits inverted; after that, bit 7 is the sign (µ-law: set = negative).
        var u = code ^ Vector128.Create((short)(muLaw ? 0xFF : 0x55));
        var bits = Vector128.Create(ExpandedBits);
        var low7 = u & Vector128.Create((short)0x7F);
        var lower = Vector128.ConvertToInt32((Vector128.ShiftLeft(Vector128.WidenLower(low7), 19) + bits).AsSingle());
        var upper = Vector128.ConvertToInt32((Vector128.ShiftLeft(Vector128.WidenUpper(low7), 19) + bits).AsSingle());
        var t = Vector128.Narrow(lower, upper);
        var sign = Vector128.Equals(u & Vector128.Create((short)0x80), Vector128<short>.Zero);
        if (muLaw)
        {
            t -= Vector128.Create((short)MuLawBias);
            return Vector128.ConditionalSelect(sign, t, -t);
        }

        var linear = Vector128.ShiftLeft(low7 & Vector128.Create((short)0xF), 4) + Vector128.Create((short)8);
        t = Vector128.ConditionalSelect(Vector128.LessThan(low7, Vector128.Create((short)0x10)), linear, t);
        return Vector128.ConditionalSelect(sign, -t, t);
    }
}
