using Elara.Fast.Primitives;

namespace Elara.Fast.Time;

/// <summary>Tuning of the time engine. Times are <see cref="TimeSpan"/> ticks (100 ns).</summary>
internal sealed class TimeEngineOptions
{
    /// <summary>
    /// The fastest τs may run ahead of or behind τp while it slews, in parts per million: 50,000 = 5 %, so
    /// τs always advances at 95–105 % of real time and never goes backwards.
    /// </summary>
    public int MaxSlewPpm { get; init; } = 50_000;

    /// <summary>A forward error larger than this is corrected by one logged step instead of a slew (1 s).</summary>
    public long StepThreshold { get; init; } = TimeSpan.TicksPerSecond;

    /// <summary>Samples in a peer's clock filter; the minimum-delay one among them is the estimate (NTP uses 8).</summary>
    public int FilterWindow { get; init; } = 8;

    /// <summary>
    /// Consecutive samples that disagree with the estimate before the estimator accepts that the peer's clock
    /// jumped and restarts from them. One wild sample is an outlier; this many in a row are the new truth.
    /// </summary>
    public int JumpConfirmSamples { get; init; } = 4;

    /// <summary>
    /// The largest frequency error a sane clock has, in ppm (NTP's MAXFREQ, RFC 5905 §7.3). Two offset samples
    /// taken Δt apart may disagree by this much times Δt before either is called an outlier.
    /// </summary>
    public int MaxDriftPpm { get; init; } = 500;

    /// <summary>Filtered samples kept for the skew (drift) regression.</summary>
    public int SkewSamples { get; init; } = 128;

    /// <summary>The skew is reported only once its samples span at least this long (1 minute).</summary>
    public long MinSkewSpan { get; init; } = 60 * TimeSpan.TicksPerSecond;

    /// <summary>Peers tracked at most; a sample from one more peer is dropped and counted.</summary>
    public int MaxPeers { get; init; } = 256;

    internal void Validate()
    {
        if (MaxSlewPpm is <= 0 or >= 1_000_000)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(MaxSlewPpm), "The slew rate must be in (0, 1,000,000) ppm.");
        }

        if (StepThreshold <= 0 || FilterWindow <= 0 || JumpConfirmSamples <= 0 || SkewSamples < 3 || MaxPeers <= 0
            || MaxDriftPpm < 0 || MinSkewSpan < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(TimeEngineOptions), "Time engine limits must be positive.");
        }
    }
}
