using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// Q15 tap sets for the 48 kHz resampling filters, designed at startup by a deterministic windowed-sinc
/// (Kaiser) method: linear-phase (the taps are symmetric), pass band to 0.8 × the low-rate Nyquist
/// frequency, stop band from the Nyquist frequency on, designed for 70 dB so that Q15 rounding still leaves
/// well over the 60 dB the ladder needs (measured by the stopband tests).
/// </summary>
/// <remarks>
/// Design (Kaiser 1974, as in Oppenheim &amp; Schafer §7.5.3): transition width Δf = 0.2 × 24 kHz / M, cutoff
/// at the middle of the transition, β = 0.1102 (A − 8.7), length N = ⌈(A − 7.95) / (2.285 · 2πΔf / 48 kHz)⌉ + 1
/// rounded up to odd (type I). The taps are computed for one half and mirrored, rounded to Q15, and the
/// centre tap absorbs the rounding so the decimator's DC gain is exactly 1.
/// </remarks>
internal sealed class FirTaps
{
    /// <summary>The stop-band attenuation the design aims at, in dB.</summary>
    public const double DesignAttenuationDb = 70;

    /// <summary>Vector paths read taps in blocks of this many shorts (a 512-bit register).</summary>
    public const int Block = 32;

    // Built on first use, indexed by factor. Two threads racing build equal taps (the design is deterministic)
    // and a reference store is atomic, so the benign race needs no lock.
    private static readonly FirTaps?[] Decimators = new FirTaps?[7];
    private static readonly FirTaps?[] Interpolators = new FirTaps?[7];

    private FirTaps(short[] coefficients, int phases, int length, int stride)
    {
        Coefficients = coefficients;
        Phases = phases;
        Length = length;
        Stride = stride;
    }

    /// <summary>The tap sets, <see cref="Phases"/> of them, <see cref="Stride"/> apart, zero-padded.</summary>
    public short[] Coefficients { get; }

    /// <summary>How many tap sets (1 for decimation, L for interpolation by L).</summary>
    public int Phases { get; }

    /// <summary>The real taps per set (the scalar twin reads only these).</summary>
    public int Length { get; }

    /// <summary>The padded length of a set: a multiple of <see cref="Block"/>.</summary>
    public int Stride { get; }

    /// <summary>The low-pass prototype for 48 kHz → 48/M kHz, as doubles (for the design tests).</summary>
    public static double[] Prototype(int factor)
    {
        var transition = 0.2 * 24_000.0 / factor;
        var cutoff = (24_000.0 / factor) - (transition / 2);
        var deltaOmega = 2 * Math.PI * transition / 48_000.0;
        var length = (int)Math.Ceiling(((DesignAttenuationDb - 7.95) / (2.285 * deltaOmega)) + 1) | 1;
        var beta = 0.1102 * (DesignAttenuationDb - 8.7);
        var taps = new double[length];
        var middle = (length - 1) / 2;
        var normalizedCutoff = cutoff / 48_000.0;
        for (var k = 0; k <= middle; k++)
        {
            var n = k - middle;
            var sinc = n == 0 ? 2 * normalizedCutoff : Math.Sin(2 * Math.PI * normalizedCutoff * n) / (Math.PI * n);
            var ratio = (double)n / middle;
            var window = BesselI0(beta * Math.Sqrt(1 - (ratio * ratio))) / BesselI0(beta);
            taps[k] = sinc * window;
            taps[length - 1 - k] = taps[k];
        }

        return taps;
    }

    /// <summary>The decimation taps for 48 kHz → 48/M kHz (M = 2, 3 or 6), DC gain exactly 32768.</summary>
    public static FirTaps Decimator(int factor)
    {
        CheckFactor(factor);
        return Decimators[factor] ??= BuildDecimator(factor);
    }

    /// <summary>The polyphase taps for 48/L kHz → 48 kHz (L = 2, 3 or 6), gain L folded into the taps.</summary>
    public static FirTaps Interpolator(int factor)
    {
        CheckFactor(factor);
        return Interpolators[factor] ??= BuildInterpolator(factor);
    }

    private static void CheckFactor(int factor)
    {
        if (factor is not (2 or 3 or 6))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(factor), "The resampling factor must be 2, 3 or 6.");
        }
    }

    private static FirTaps BuildDecimator(int factor)
    {
        var prototype = Prototype(factor);
        var length = prototype.Length;
        var stride = RoundUp(length);
        var coefficients = new short[stride];
        var sum = 0;
        for (var k = 0; k < length; k++)
        {
            coefficients[k] = checked((short)Math.Round(prototype[k] * 32768, MidpointRounding.AwayFromZero));
            sum += coefficients[k];
        }

        coefficients[(length - 1) / 2] += (short)(32768 - sum);
        return new FirTaps(coefficients, 1, length, stride);
    }

    private static FirTaps BuildInterpolator(int factor)
    {
        var prototype = Prototype(factor);
        var perPhase = (prototype.Length + factor - 1) / factor;
        var stride = RoundUp(perPhase);
        var coefficients = new short[factor * stride];
        for (var p = 0; p < factor; p++)
        {
            // y[nL + p] = L Σk h[kL + p] x[n − k]: reversed so output n's window is x[n − K + 1 .. n] in increasing order.
            for (var j = 0; j < perPhase; j++)
            {
                var k = ((perPhase - 1 - j) * factor) + p;
                var tap = k < prototype.Length ? prototype[k] * factor : 0;
                coefficients[(p * stride) + j] = checked((short)Math.Round(tap * 32768, MidpointRounding.AwayFromZero));
            }
        }

        return new FirTaps(coefficients, factor, perPhase, stride);
    }

    private static int RoundUp(int length) => (length + Block - 1) / Block * Block;

    private static double BesselI0(double x)
    {
        // Power series Σ ((x/2)^k / k!)^2; converges fast for the β used here (< 8).
        var sum = 1.0;
        var term = 1.0;
        for (var k = 1; k < 64; k++)
        {
            term *= x / (2 * k);
            sum += term * term;
            if (term * term < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }
}
