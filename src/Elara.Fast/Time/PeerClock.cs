using Elara.Fast.Primitives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Elara.Fast.Time;

/// <summary>What <see cref="PeerClock.AddTimeSync"/> did with a sample.</summary>
internal enum TimeSampleStatus : byte
{
    /// <summary>Taken into the filter.</summary>
    Accepted,

    /// <summary>Inconsistent with the estimate: ignored (one of a possible jump streak).</summary>
    Outlier,

    /// <summary>The last of a streak of consistent outliers: the peer's clock jumped and the filter restarted.</summary>
    JumpAccepted,

    /// <summary>Timestamps that no real exchange produces (negative or huge delay).</summary>
    Malformed,
}

/// <summary>
/// What we know of one peer's clock: offset (peer τp − our τp) and round trip from TimeSync exchanges, through
/// NTP's clock filter (RFC 5905 §10: of the last few samples the one with the least delay is the most accurate,
/// because queueing only ever adds delay and asymmetry); outlier rejection; skew over minutes; and RFC 3550
/// interarrival jitter from the one-way timestamps frames carry (TIME_HINT).
/// </summary>
/// <remarks>
/// The filter measures the peer's τp, not its τs: τp only drifts, so old samples stay true and the skew
/// regression sees the oscillator alone, while τs moves on purpose as the peer slews. Each reply also reports the
/// peer's current τs − τp (<see cref="ReportedStateOffset"/>), and the peer's τs is the sum of the two.
/// </remarks>
/// <remarks>
/// Outliers: a sample is consistent with the best sample B when their error intervals θ ± δ/2 overlap, allowing
/// <see cref="TimeEngineOptions.MaxDriftPpm"/> of drift for the time between them. True samples always pass (the
/// true offset is inside both intervals), so only a wrong reading or a clock jump fails. A run of
/// <see cref="TimeEngineOptions.JumpConfirmSamples"/> failures is a jump: the filter restarts from them.
/// </remarks>
internal sealed class PeerClock
{
    // One hint unit: timestamps carried in 100 µs units may disagree by this much from rounding alone.
    private const long Tolerance = TimeHint.TicksPerUnit;

    private readonly Sample[] _window;
    private readonly Sample[] _streak;
    private readonly SkewEstimator _skew;
    private readonly long _maxDriftPpm;
    private readonly ILogger _logger;
    private InterarrivalJitter _jitter;
    private int _count;
    private int _next;
    private int _streakCount;
    private long _lastSkewTime = long.MinValue;

    /// <summary>A peer with no samples yet.</summary>
    public PeerClock(NodeId peer, TimeEngineOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Peer = peer;
        _window = new Sample[options.FilterWindow];
        _streak = new Sample[options.JumpConfirmSamples];
        _skew = new SkewEstimator(options.SkewSamples, options.MinSkewSpan);
        _maxDriftPpm = options.MaxDriftPpm;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The peer.</summary>
    public NodeId Peer { get; }

    /// <summary>True once one TimeSync sample was accepted.</summary>
    public bool HasEstimate => _count > 0;

    /// <summary>Round trip of the best sample in the window (ticks).</summary>
    public long RoundTrip => HasEstimate ? Best.Delay : 0;

    /// <summary>RFC 3550 interarrival jitter of the peer's frames (ticks).</summary>
    public long Jitter => _jitter.Jitter;

    /// <summary>Samples accepted.</summary>
    public long AcceptedSamples { get; private set; }

    /// <summary>Samples rejected as outliers.</summary>
    public long OutlierSamples { get; private set; }

    /// <summary>Samples rejected as impossible.</summary>
    public long MalformedSamples { get; private set; }

    /// <summary>Jumps of the peer's clock detected (filter restarts).</summary>
    public long Jumps { get; private set; }

    private Sample Best
    {
        get
        {
            var best = _window[0];
            for (var i = 1; i < _count; i++)
            {
                if (_window[i].Delay < best.Delay)
                {
                    best = _window[i];
                }
            }

            return best;
        }
    }

    /// <summary>The peer's τs − τp as its last TimeSync reply reported it.</summary>
    public long ReportedStateOffset { get; private set; }

    /// <summary>The peer's τp minus our τp at local time <paramref name="localNow"/>.</summary>
    public long EstimateStateOffset(long localNow) => EstimateOffset(localNow) + ReportedStateOffset;

    /// <summary>The skew (peer clock rate minus ours, as a slope: 1e-4 = 100 ppm fast), once minutes of samples allow it.</summary>
    public bool TryGetSkew(out double skew) => _skew.TryGetSkew(out skew);

    /// <summary>The peer's τp minus our τp at local time <paramref name="localNow"/>: the best sample, carried forward by the skew.</summary>
    public long EstimateOffset(long localNow)
    {
        if (!HasEstimate)
        {
            return 0;
        }

        var best = Best;
        return _skew.TryGetSkew(out var skew)
            ? best.Offset + (long)(skew * (localNow - best.LocalTime))
            : best.Offset;
    }

    /// <summary>Adds a completed TimeSync exchange and the peer's τs − τp reported with it.</summary>
    public TimeSampleStatus AddTimeSync(in TimeSyncSample exchange, long peerStateOffset)
    {
        if (!exchange.TryCompute(out var offset, out var delay))
        {
            MalformedSamples++;
            return TimeSampleStatus.Malformed;
        }


        // The sample's own time is the middle of the exchange, where its offset is measured.
        var sample = new Sample(exchange.T1 + ((exchange.T4 - exchange.T1) / 2), offset, delay);
        var status = _count > 0 && !IsConsistent(sample, Best) ? AddOutlier(sample) : TimeSampleStatus.Accepted;
        if (status == TimeSampleStatus.Outlier)
        {
            return status;
        }

        if (status == TimeSampleStatus.Accepted)
        {
            _streakCount = 0;
            Add(sample);
        }

        // Only a reply the filter believes may move what we think the peer's τs is.
        ReportedStateOffset = peerStateOffset;
        return status;
    }

    /// <summary>
    /// Adds a one-way timestamp: a frame the peer stamped at <paramref name="senderTime"/> (on its own clock)
    /// that reached us at <paramref name="arrival"/> (our τp). It feeds the RFC 3550 jitter, where the
    /// unknown offset cancels; it cannot tell offset from delay, so the offset comes from TimeSync alone.
    /// </summary>
    public void AddOneWay(long senderTime, long arrival) => _jitter.Add(senderTime, arrival);

    private bool IsConsistent(in Sample sample, in Sample best)
    {
        var apart = Math.Abs(sample.LocalTime - best.LocalTime);
        var allowed = ((sample.Delay + best.Delay) / 2) + (long)((Int128)apart * _maxDriftPpm / 1_000_000) + Tolerance;
        return Math.Abs(sample.Offset - best.Offset) <= allowed;
    }

    private TimeSampleStatus AddOutlier(in Sample sample)
    {
        // A streak counts only while its own samples agree with each other: a real jump moves every later sample
        // the same way, random garbage does not.
        if (_streakCount > 0 && !IsConsistent(sample, _streak[_streakCount - 1]))
        {
            _streakCount = 0;
        }

        _streak[_streakCount++] = sample;
        if (_streakCount < _streak.Length)
        {
            OutlierSamples++;
            return TimeSampleStatus.Outlier;
        }

        Jumps++;
        TimeLog.PeerClockJumped(_logger, Peer.Value, sample.Offset - Best.Offset);
        _count = 0;
        _next = 0;
        _skew.Clear();
        _lastSkewTime = long.MinValue;
        for (var i = 0; i < _streakCount; i++)
        {
            Add(_streak[i]);
        }

        _streakCount = 0;
        return TimeSampleStatus.JumpAccepted;
    }

    private void Add(in Sample sample)
    {
        AcceptedSamples++;
        _window[_next] = sample;
        _next = (_next + 1) % _window.Length;
        if (_count < _window.Length)
        {
            _count++;
        }

        // The regression sees each filtered (best-of-window) sample once.
        var best = Best;
        if (best.LocalTime != _lastSkewTime)
        {
            _lastSkewTime = best.LocalTime;
            _skew.Add(best.LocalTime, best.Offset);
        }
    }

    private readonly record struct Sample(long LocalTime, long Offset, long Delay);
}
