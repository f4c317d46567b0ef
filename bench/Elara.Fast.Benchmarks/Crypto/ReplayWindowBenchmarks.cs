using BenchmarkDotNet.Attributes;
using Elara.Fast.Crypto;

namespace Elara.Fast.Benchmarks.Crypto;

/// <summary>
/// The replay window's cost per frame (ns): <c>Check</c> alone on a fresh counter (baseline), Check + Commit
/// in order, Check + Commit with every pair of frames swapped, and Check of a replayed counter.
/// </summary>
[MemoryDiagnoser]
public class ReplayWindowBenchmarks
{
    private const int Frames = 4096;
    private ReplayWindow _window = new();
    private uint _next = 200;

    [GlobalSetup]
    public void Setup()
    {
        for (uint c = 0; c < 100; c++)
        {
            _window.Commit(c);
        }
    }

    /// <summary>Counters only grow; start over long before the 32-bit counter runs out (rare, so ~0 B/op).</summary>
    private uint NextStart()
    {
        if (_next > uint.MaxValue - (4 * Frames))
        {
            _window = new ReplayWindow();
            _next = 0;
        }

        return _next + 1000;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public int CheckFresh()
    {
        var fresh = 0;
        for (uint c = 1000; c < 1000 + Frames; c++)
        {
            fresh += _window.Check(c) == ReplayVerdict.Fresh ? 1 : 0;
        }

        return fresh;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int CheckReplay()
    {
        var replays = 0;
        for (var i = 0; i < Frames; i++)
        {
            replays += _window.Check((uint)(i % 100)) == ReplayVerdict.Replay ? 1 : 0;
        }

        return replays;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int CheckAndCommitInOrder()
    {
        var accepted = 0;
        var start = NextStart();
        for (var c = start; c < start + Frames; c++)
        {
            if (_window.Check(c) == ReplayVerdict.Fresh && _window.Commit(c))
            {
                accepted++;
            }
        }

        _next = start + Frames;
        return accepted;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int CheckAndCommitReordered()
    {
        var accepted = 0;
        var start = NextStart();
        for (var c = start; c < start + Frames; c++)
        {
            var counter = c ^ 1;
            if (_window.Check(counter) == ReplayVerdict.Fresh && _window.Commit(counter))
            {
                accepted++;
            }
        }

        _next = start + Frames;
        return accepted;
    }
}
