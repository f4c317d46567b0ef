using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// Hides lost voice frames: the first lost frame repeats the last good one, and over a burst of
/// <see cref="FadeFrames"/> lost frames the repetition fades out (a per-sample linear ramp in Q15) while
/// deterministic comfort noise fades in at the stream's noise-floor level; from then on it is comfort noise
/// only. The noise is seeded from <c>NodeConfig.PredictionEntropy</c> (passed in as a plain <see cref="ulong"/>,
/// Media may not see Runtime) mixed with a stream key, so the same seed gives the same concealment, sample for
/// sample, run after run.
/// </summary>
/// <remarks>Memory is fixed at construction (one frame); a longer good frame keeps only its first <c>maxFrameSamples</c>. Not thread-safe.</remarks>
public sealed class LossConcealer
{
    /// <summary>Lost frames over which the repetition fades to comfort noise (100 ms of 20 ms frames).</summary>
    public const int FadeFrames = 5;

    /// <summary>The comfort-noise level never exceeds this, in dBFS, however loud the floor estimate.</summary>
    public const double MaxComfortDbfs = -40;

    private readonly short[] lastGood;
    private int lastGoodLength;
    private ComfortNoise noise;
    private double floorDbfs = -70;

    /// <summary>Creates a concealer.</summary>
    /// <param name="maxFrameSamples">The longest frame it conceals.</param>
    /// <param name="predictionEntropy">The node's concealment seed (<c>NodeConfig.PredictionEntropy</c>).</param>
    /// <param name="streamKey">Distinguishes streams under one seed (e.g. the stream id).</param>
    public LossConcealer(int maxFrameSamples, ulong predictionEntropy, ulong streamKey = 0)
    {
        if (maxFrameSamples <= 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(maxFrameSamples), "The frame length must be positive.");
        }

        lastGood = new short[maxFrameSamples];
        noise = new ComfortNoise(predictionEntropy ^ (streamKey * 0x9E3779B97F4A7C15UL));
    }

    /// <summary>Lost frames in the current burst (0 after a good frame).</summary>
    public int BurstLength { get; private set; }

    /// <summary>Frames concealed so far.</summary>
    public long ConcealedFrames { get; private set; }

    /// <summary>The comfort-noise level in dBFS (the tracked noise floor, capped at <see cref="MaxComfortDbfs"/>).</summary>
    public double ComfortDbfs => Math.Min(floorDbfs, MaxComfortDbfs);

    /// <summary>Remembers a good frame (the one just played) and ends any loss burst.</summary>
    /// <param name="frame">The frame.</param>
    public void Good(ReadOnlySpan<short> frame)
    {
        lastGoodLength = Math.Min(frame.Length, lastGood.Length);
        frame[..lastGoodLength].CopyTo(lastGood);
        BurstLength = 0;

        // Noise floor: follows a quieter frame at once, rises 0.5 dB per frame.
        var level = VoiceLevel.Measure(frame).Dbfs;
        floorDbfs = level < floorDbfs ? level : Math.Min(level, floorDbfs + 0.5);
    }

    /// <summary>Writes the concealment for the next lost frame.</summary>
    /// <param name="output">The frame to fill (any length; the last good frame repeats cyclically).</param>
    public void Conceal(Span<short> output)
    {
        BurstLength++;
        ConcealedFrames++;
        var amplitude = ComfortNoise.Amplitude(ComfortNoise.LevelByte(ComfortDbfs));

        // Repetition gain ramps from (F − k + 1)/F to (F − k)/F across lost frame k, in Q15.
        var startGain = Math.Max(0, (FadeFrames - BurstLength + 1) * VoiceGain.Unity / FadeFrames);
        var endGain = Math.Max(0, (FadeFrames - BurstLength) * VoiceGain.Unity / FadeFrames);
        var length = output.Length;
        for (var i = 0; i < length; i++)
        {
            var gain = startGain + (int)((long)(endGain - startGain) * i / length);
            var repeated = lastGoodLength == 0 ? 0 : ((lastGood[i % lastGoodLength] * gain) + 0x4000) >> 15;
            var fill = ((noise.Next(amplitude) * (VoiceGain.Unity - gain)) + 0x4000) >> 15;
            output[i] = (short)Math.Clamp(repeated + fill, short.MinValue, short.MaxValue);
        }
    }
}
