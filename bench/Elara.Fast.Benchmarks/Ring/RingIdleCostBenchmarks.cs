using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Elara.Fast.Ring;

namespace Elara.Fast.Benchmarks.Ring;

/// <summary>
/// Idle CPU per wait strategy: a started three-stage pipeline that has gone quiet, measured as process CPU time
/// (minus JIT time) over each 250 ms window. The Mean column is just the window; the figure is printed as
/// "// RingIdle" lines (and appended to <c>$TMPDIR/elara-ring-idle.txt</c>) as a share of one core.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 8, invocationCount: 1)]
public class RingIdleCostBenchmarks
{
    private EventGraph<long> _graph = null!;
    private TimeSpan _cpu;
    private TimeSpan _wall;

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
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var jit = JitInfo.GetCompilationTime();
        var wall = Stopwatch.StartNew();
        Thread.Sleep(250);
        process.Refresh();
        _cpu += process.TotalProcessorTime - cpu - (JitInfo.GetCompilationTime() - jit);
        _wall += wall.Elapsed;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _graph.Dispose();
        var line = string.Create(CultureInfo.InvariantCulture, $"// RingIdle {Strategy}: {100 * _cpu.TotalMilliseconds / _wall.TotalMilliseconds:F2} % of one core (3 idle consumers; {_cpu.TotalMilliseconds:F1} ms CPU in {_wall.TotalMilliseconds:F0} ms)");
        Console.WriteLine(line);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "elara-ring-idle.txt"), line + Environment.NewLine);
    }
}
