using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Time;

/// <summary>A peer's clock as a function of true time: an offset, a rate error and an optional jump.</summary>
internal sealed class SimulatedClock(long offset, double driftPpm = 0, long jumpAt = long.MaxValue, long jumpBy = 0)
{
    public long At(long trueTime) =>
        trueTime + offset + (long)(trueTime * driftPpm / 1e6) + (trueTime >= jumpAt ? jumpBy : 0);
}

/// <summary>Drives a local engine (on a FakeTimeProvider whose elapsed time is true time) against a simulated peer.</summary>
internal static class TimeSyncSimulation
{
    public const long Ms = TimeSpan.TicksPerMillisecond;

    public static long TrueNow(FakeTimeProvider fake, DateTimeOffset start) => (fake.GetUtcNow() - start).Ticks;

    /// <summary>One exchange with paths of <paramref name="up"/> and <paramref name="down"/> ticks; returns the filter's verdict.</summary>
    public static Elara.Fast.Time.TimeSampleStatus Exchange(
        Elara.Fast.Time.TimeEngine engine, FakeTimeProvider fake, DateTimeOffset start, Elara.Fast.Primitives.NodeId peer,
        SimulatedClock peerClock, long up, long down)
    {
        var t1 = engine.BeginTimeSync();
        fake.Advance(TimeSpan.FromTicks(up));
        var t2 = peerClock.At(TrueNow(fake, start));
        fake.Advance(TimeSpan.FromTicks(Ms / 2)); // the peer's turnaround
        var t3 = peerClock.At(TrueNow(fake, start));
        fake.Advance(TimeSpan.FromTicks(down));
        return engine.CompleteTimeSync(peer, t1, t2, t3, peerStateOffset: 0);
    }
}

/// <summary>A clock whose readings are another's scaled and shifted: a peer node's drifting oscillator.</summary>
internal sealed class SkewedTimeProvider(TimeProvider inner, double driftPpm) : TimeProvider
{
    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp()
    {
        var t = inner.GetTimestamp();
        return t + (long)(t * driftPpm / 1e6);
    }
}

/// <summary>A clock that goes back once, as a faulty virtual TSC can.</summary>
internal sealed class SteppingBackTimeProvider : TimeProvider
{
    private readonly long[] _readings;
    private int _next;

    public SteppingBackTimeProvider(params long[] readings) => _readings = readings;

    public override long TimestampFrequency => 1_000_000_000; // ns, to exercise the conversion

    public override long GetTimestamp() => _readings[Math.Min(_next++, _readings.Length - 1)];
}

/// <summary>Collects log entries so a test can assert one was written.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, EventId Id, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Add((logLevel, eventId, formatter(state, exception)));
}
