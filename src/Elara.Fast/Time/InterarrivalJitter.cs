namespace Elara.Fast.Time;

/// <summary>
/// Interarrival jitter as RFC 3550 defines it (§6.4.1, code in appendix A.8): the mean deviation of the difference
/// D in transit time between consecutive packets, J += (|D| − J) / 16. A constant clock offset between sender and
/// receiver cancels in D, so the sender's timestamps need not share the receiver's clock. Kept scaled by 16 in
/// an integer, as A.8 does, so no rounding error accumulates.
/// </summary>
internal struct InterarrivalJitter
{
    // A single |D| is capped at 10 s: a hostile or broken timestamp then moves J by at most 10 s / 16, and the
    // subtraction cannot overflow (inputs are τ ticks, far inside ±2^62).
    private const long MaxDifference = 10 * TimeSpan.TicksPerSecond;

    private long _previousTransit;
    private long _scaled;
    private bool _started;

    /// <summary>The current jitter estimate in ticks.</summary>
    public readonly long Jitter => _scaled >> 4;

    /// <summary>Adds a packet sent at <paramref name="senderTime"/> (sender's clock) that arrived at <paramref name="arrival"/>.</summary>
    public void Add(long senderTime, long arrival)
    {
        var transit = SaturatingSubtract(arrival, senderTime);
        if (_started)
        {
            var d = Math.Min(Math.Abs(Math.Clamp(SaturatingSubtract(transit, _previousTransit), -MaxDifference, MaxDifference)), MaxDifference);
            _scaled += d - ((_scaled + 8) >> 4);
        }

        _previousTransit = transit;
        _started = true;
    }

    private static long SaturatingSubtract(long a, long b)
    {
        var r = (Int128)a - b;
        return r > long.MaxValue ? long.MaxValue : r < long.MinValue ? long.MinValue : (long)r;
    }
}
