using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Elara.Fast.Ring;

namespace Elara.Fast.Benchmarks.Ring;

/// <summary>
/// Idle CPU per wait strategy: a started three-stage pipeline that has gone quiet, measured as process CPU time
/// over each 1 s window (median, min and max of the windows). The Mean column is just the window; the figure is printed as
/// "// RingIdle" lines (and appended to <c>$TMPDIR/elara-ring-idle.txt</c>) as a share of one core.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 6, invocationCount: 1)]
public class RingIdleCostBenchmarks
{
    private EventGraph<long> _graph = null!;
    private readonly List<double> _shares = [];

    [Params("BusySpin", "Yielding", "Sleeping", "Blocking", "TimeoutBlocking", "Backoff")]
    public string Strategy { get; set; } = "Backoff";

    [GlobalSetup]
    public void Setup()
    {
        var ring = new RingBuffer<long>(1024, ProducerType.Single, RingBenchmarkKit.Strategy(Strategy));
        _graph = ring.HandleEventsWith(default(IncrementHandler)).Then(default(IncrementHandler)).Then(default(SumHandler)).Start();
        RingBenchmarkKit.PublishBatched(ring, 1 << 16);
        _graph.Drain(TimeSpan.FromSeconds(30));
        Thread.Sleep(500); // let the consumers reach their idle phase (park, sleep loop or spin) before measuring
    }

    [Benchmark]
    public void IdleWindow()
    {
        // getrusage-backed (µs resolution); Process.TotalProcessorTime on Linux counts 10 ms ticks, 4 % of a 250 ms window.
        var cpu = Environment.CpuUsage.TotalTime;
        var wall = Stopwatch.StartNew();
        Thread.Sleep(1000);
        _shares.Add((Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / wall.Elapsed.TotalMilliseconds);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _graph.Dispose();
        _shares.Sort();
        var line = string.Create(CultureInfo.InvariantCulture, $"// RingIdle {Strategy}: median {100 * _shares[_shares.Count / 2]:F2} % of one core, min {100 * _shares[0]:F2} %, max {100 * _shares[^1]:F2} % (process CPU, 3 idle consumers, {_shares.Count} windows of 1 s)");
        Console.WriteLine(line);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "elara-ring-idle.txt"), line + Environment.NewLine);
    }
}
