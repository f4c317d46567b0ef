using BenchmarkDotNet.Attributes;
using Elara.Fast.Primitives;
using Elara.Fast.Time;

namespace Elara.Fast.Benchmarks.Time;

/// <summary>
/// The time engine's per-frame and per-exchange work: TIME_HINT encoding, an RFC 3550 jitter update, a TimeSync
/// sample through the peer filter, and a consensus update over 16 peers. All on the real <see cref="TimeProvider.System"/>.
/// </summary>
[MemoryDiagnoser]
public class TimeEngineBenchmarks
{
    private readonly TimeEngine _engine = new(TimeProvider.System);
    private InterarrivalJitter _jitter;
    private long _t;

    [GlobalSetup]
    public void Setup()
    {
        for (ulong p = 1; p <= 16; p++)
        {
            for (var i = 0; i < 8; i++)
            {
                var t1 = i * TimeSpan.TicksPerSecond;
                _engine.CompleteTimeSync(new NodeId(p), new TimeSyncSample(t1, t1 + 5_000 + (long)p, t1 + 6_000 + (long)p, t1 + 10_000), 0);
            }
        }
    }

    [Benchmark(Baseline = true, Description = "TIME_HINT encode")]
    public int EncodeHint() => TimeHint.Encode(++_t * 997, _t * 991, out _);

    [Benchmark(Description = "RFC 3550 jitter update")]
    public long JitterUpdate()
    {
        _t++;
        _jitter.Add(_t * 200_000, (_t * 200_000) + ((_t & 7) * 1_000));
        return _jitter.Jitter;
    }

    [Benchmark(Description = "TimeSync sample through the filter")]
    public int TimeSyncSample()
    {
        var t1 = (8 + ++_t) * TimeSpan.TicksPerSecond;
        return (int)_engine.CompleteTimeSync(new NodeId(1), new TimeSyncSample(t1, t1 + 5_001, t1 + 6_001, t1 + 10_000 + (_t & 3)), 0);
    }

    [Benchmark(Description = "consensus over 16 peers")]
    public int Consensus() => (int)_engine.UpdateConsensus();
}
