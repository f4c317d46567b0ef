using System.Diagnostics;
using System.Runtime;
using Elara.Fast.Ring;

namespace Elara.Fast.Tests.Ring;

[Collection(nameof(RingQuietCollection))]
public sealed class IdleCostTests
{
    [Fact]
    public void An_idle_pipeline_with_the_default_strategy_uses_under_five_percent_of_a_core()
    {
        // Default strategy (no strategy given), a three-stage pipeline that has done some work and then went quiet.
        var ring = new RingBuffer<Slot>(256);
        Assert.IsType<BackoffWaitStrategy>(ring.Sequencer.WaitStrategy);
        var checks = new[] { new StageCheck(), new StageCheck(), new StageCheck() };
        using var graph = ring.HandleEventsWith(new CheckingHandler(checks[0], 0, 0))
            .Then(new CheckingHandler(checks[1], 0b001, 1))
            .Then(new CheckingHandler(checks[2], 0b011, 2))
            .Start();
        RingTestKit.Produce(ring, 10_000);
        Assert.True(graph.Drain(RingTestKit.Patience));

        // Let every stage finish its spin and yield phases and park (a bounded wait on the parked count, not a sleep).
        var strategy = (BackoffWaitStrategy)ring.Sequencer.WaitStrategy;
        Assert.True(SpinWait.SpinUntil(() => strategy.ParkedCount == 3, RingTestKit.Patience), "the stages never parked");

        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var jitBefore = JitInfo.GetCompilationTime();
        var wall = Stopwatch.StartNew();
        using (var window = new ManualResetEventSlim())
        {
            // Nothing signals this event: the wait is the two-second measuring window itself.
            Assert.False(window.Wait(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken));
        }

        process.Refresh();
        // The tiered JIT's background thread re-compiles what earlier tests in this process used; that is not the
        // ring's idle cost, so the JIT's own time is taken out of the process delta.
        var jit = JitInfo.GetCompilationTime() - jitBefore;
        var cpu = process.TotalProcessorTime - cpuBefore - jit;
        var elapsed = wall.Elapsed;

        Assert.True(graph.IsRunning);
        var share = cpu.TotalMilliseconds / elapsed.TotalMilliseconds;
        Assert.True(share < 0.05, $"idle pipeline used {share:P2} of a core ({cpu.TotalMilliseconds:F1} ms CPU besides {jit.TotalMilliseconds:F1} ms of JIT in {elapsed.TotalMilliseconds:F0} ms)");
        TestContext.Current.SendDiagnosticMessage($"idle default-strategy pipeline: {share:P3} of a core");
    }
}
