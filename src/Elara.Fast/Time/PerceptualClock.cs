namespace Elara.Fast.Time;

/// <summary>
/// τp, the perceptual clock: local, monotonic, never adjusted. It reads <see cref="TimeProvider.GetTimestamp"/>
/// (a monotonic source: <c>Stopwatch</c> in production, <c>FakeTimeProvider</c> in tests) and reports
/// <see cref="TimeSpan"/> ticks since the clock was created. Media playout and jitter buffers run on τp.
/// </summary>
internal sealed class PerceptualClock
{
    private readonly TimeProvider _provider;
    private readonly long _origin;
    private readonly long _frequency;
    private long _last;

    /// <summary>Starts the clock at zero now.</summary>
    public PerceptualClock(TimeProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _provider = provider;
        _frequency = provider.TimestampFrequency;
        _origin = provider.GetTimestamp();
    }

    /// <summary>Times a source reported earlier than a previous reading (held at the previous reading instead).</summary>
    public long BackwardReadings { get; private set; }

    /// <summary>Ticks since creation; never less than any earlier reading.</summary>
    public long Now
    {
        get
        {
            var raw = _provider.GetTimestamp() - _origin;
            var ticks = _frequency == TimeSpan.TicksPerSecond
                ? raw
                : (long)((Int128)raw * TimeSpan.TicksPerSecond / _frequency);

            // A monotonic source should never go back, but a virtualised TSC has been seen to; holding the last
            // value keeps τp's promise rather than passing the fault on.
            if (ticks < _last)
            {
                BackwardReadings++;
                return _last;
            }

            _last = ticks;
            return ticks;
        }
    }
}
