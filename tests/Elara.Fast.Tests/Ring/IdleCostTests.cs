using System.Diagnostics;
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

        // Up to four two-second windows; the bound must hold in one of them. A window can be spoiled by work that is
        // not the ring's: the tiered JIT's background thread recompiling what earlier tests in this process used was
        // measured taking 360 ms of one window. Every window's figure is in the failure message.
        var shares = new List<double>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var share = MeasureWindow();
            shares.Add(share);
            if (share < 0.05)
            {
                break;
            }
        }

        Assert.True(graph.IsRunning);
        Assert.True(shares[^1] < 0.05, $"idle pipeline used {string.Join(", ", shares.ConvertAll(s => s.ToString("P2", System.Globalization.CultureInfo.InvariantCulture)))} of a core in successive 2 s windows");
        TestContext.Current.SendDiagnosticMessage($"idle default-strategy pipeline: {shares[^1]:P3} of a core");
    }

    private static double MeasureWindow()
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        using (var window = new ManualResetEventSlim())
        {
            // Nothing signals this event: the wait is the two-second measuring window itself.
            Assert.False(window.Wait(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken));
        }

        process.Refresh();
        return (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / wall.Elapsed.TotalMilliseconds;
    }
}
