using System.Runtime.CompilerServices;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// Deterministic white comfort noise (RFC 3389 §4: the receiver fills silence with noise at the signalled
/// level so the line does not sound dead). The generator is SplitMix64 seeded with a caller's seed
/// (<c>NodeConfig.PredictionEntropy</c> mixed with the stream), so the same seed gives the same samples.
/// </summary>
/// <remarks>A mutable struct: keep it in a non-readonly field.</remarks>
public struct ComfortNoise
{
    private ulong state;

    /// <summary>Creates a generator.</summary>
    /// <param name="seed">The seed; equal seeds give equal noise.</param>
    public ComfortNoise(ulong seed) => state = seed;

    /// <summary>The RFC 3389 level byte (0…127, meaning 0…−127 dBov) for a level in dBFS (RMS relative to full scale).</summary>
    /// <param name="dbfs">The level.</param>
    /// <returns>The level byte.</returns>
    public static byte LevelByte(double dbfs) => (byte)Math.Clamp(Math.Round(-dbfs, MidpointRounding.AwayFromZero), 0, 127);

    /// <summary>The peak amplitude of uniform noise whose RMS is the given level (RMS = peak / √3).</summary>
    /// <param name="levelByte">The RFC 3389 level byte.</param>
    /// <returns>The peak amplitude, 0…32767 (0 for level 127, which RFC 3389 treats as silence).</returns>
    public static int Amplitude(byte levelByte) =>
        levelByte >= 127 ? 0 : (int)Math.Min(32767, Math.Round(32768 * Math.Sqrt(3) * Math.Pow(10, -levelByte / 20.0)));

    /// <summary>Fills <paramref name="destination"/> with noise of peak <paramref name="amplitude"/>.</summary>
    /// <param name="destination">The samples to write.</param>
    /// <param name="amplitude">The peak amplitude, 0…32767.</param>
    public void Fill(Span<short> destination, int amplitude)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = Next(amplitude);
        }
    }

    /// <summary>One noise sample of peak <paramref name="amplitude"/>: a uniform 16-bit value scaled in Q15.</summary>
    /// <param name="amplitude">The peak amplitude, 0…32767.</param>
    /// <returns>The sample.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public short Next(int amplitude)
    {
        // SplitMix64 (Steele, Lea, Flood 2014): a full-period 64-bit generator with good equidistribution.
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        var uniform = (short)(z >> 48);
        return (short)((uniform * amplitude) >> 15);
    }
}
