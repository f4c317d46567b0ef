using Elara.Fast.Primitives;
using Elara.Fast.Time;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Time;

/// <summary>Two whole engines on one simulated network, each with its own clock, converging their τs.</summary>
public sealed class TimeEngineConvergenceTests
{
    private const long Ms = TimeSpan.TicksPerMillisecond;
    private static readonly NodeId A = new(0xA);
    private static readonly NodeId B = new(0xB);

    /// <summary>A sync from <paramref name="from"/> to <paramref name="to"/> over paths of the given delays.</summary>
    private static void Sync(TimeEngine from, NodeId toId, TimeEngine to, FakeTimeProvider network, long up, long down)
    {
        var t1 = from.BeginTimeSync();
        network.Advance(TimeSpan.FromTicks(up));
        var (t2, t3, offset) = to.AnswerTimeSync(to.Perceptual.Now);
        network.Advance(TimeSpan.FromTicks(down));
        Assert.NotEqual(TimeSampleStatus.Malformed, from.CompleteTimeSync(toId, t1, t2, t3, offset));
    }

    [Theory]
    [InlineData(400L, 0.0, 10L, 10L)]   // B started 400 ms after A, symmetric paths
    [InlineData(400L, 100.0, 10L, 10L)] // and its oscillator runs 100 ppm fast
    [InlineData(150L, 0.0, 25L, 5L)]    // asymmetric paths: 20 ms longer A → B
    public void Two_nodes_meet_on_one_timeline_by_slewing(long startGapMs, double driftPpm, long upMs, long downMs)
    {
        var network = new FakeTimeProvider();
        var a = new TimeEngine(network);
        network.Advance(TimeSpan.FromMilliseconds(startGapMs));
        var b = new TimeEngine(new SkewedTimeProvider(network, driftPpm));

        long convergedAt = -1;
        long previousA = a.State.Now, previousB = b.State.Now;
        for (var second = 0; second < 60; second++)
        {
            Sync(a, B, b, network, upMs * Ms, downMs * Ms);
            Sync(b, A, a, network, downMs * Ms, upMs * Ms);
            Assert.NotEqual(StateClockAdjustment.Stepped, a.UpdateConsensus());
            Assert.NotEqual(StateClockAdjustment.Stepped, b.UpdateConsensus());
            network.Advance(TimeSpan.FromMilliseconds(1_000 - (2 * (upMs + downMs))));

            var nowA = a.State.Now;
            var nowB = b.State.Now;
            Assert.True(nowA >= previousA && nowB >= previousB, "τs went backwards");
            previousA = nowA;
            previousB = nowB;

            // Both sides see the same path asymmetry from opposite ends, so each errs by half of it in opposite
            // directions and they settle that far apart at most: |up − down| / 2, plus 1 ms for the 100 ppm drift
            // over a 1 s sync interval and the rounding of the median.
            var allowed = (Math.Abs(upMs - downMs) * Ms / 2) + Ms;
            if (Math.Abs(nowA - nowB) <= allowed)
            {
                if (convergedAt < 0)
                {
                    convergedAt = second;
                }
            }
            else
            {
                Assert.True(convergedAt < 0, $"diverged again at {second} s: {nowA - nowB} ticks");
            }
        }

        // Each side slews half the gap at 5 %: gap/2 / 0.05 = 10 × gap seconds per second of gap (4 s for 400 ms),
        // plus a second or two for the first samples. 10 s is the bound.
        Assert.InRange(convergedAt, 0, 10);
        Assert.Equal(0, a.State.Steps);
        Assert.Equal(0, b.State.Steps);
    }

    [Fact]
    public void A_node_far_behind_steps_forward_once()
    {
        var network = new FakeTimeProvider();
        var a = new TimeEngine(network);
        network.Advance(TimeSpan.FromSeconds(5));
        var b = new TimeEngine(network);
        for (var i = 0; i < 5; i++)
        {
            Sync(b, A, a, network, 10 * Ms, 10 * Ms);
            Sync(a, B, b, network, 10 * Ms, 10 * Ms);
            b.UpdateConsensus();
            a.UpdateConsensus();
            network.Advance(TimeSpan.FromSeconds(1));
        }

        // B started 5 s after A, so its τs is 5 s behind: far over the 1 s threshold. B steps once, all the way to
        // A (its own vote would leave it half way and needing a second step); A, far ahead, holds and never
        // slews back.
        Assert.Equal(1, b.State.Steps);
        Assert.Equal(0, a.State.Steps);
        Assert.Equal(0, a.State.Offset);
        Assert.InRange(b.State.Offset, (5_000 * Ms) - Ms, (5_000 * Ms) + Ms);
    }

    [Fact]
    public void Event_time_decodes_on_the_receivers_timeline_less_the_one_way_delay()
    {
        var network = new FakeTimeProvider();
        var a = new TimeEngine(network);
        var b = new TimeEngine(network);
        Sync(b, A, a, network, 20 * Ms, 20 * Ms);
        // A stamps an event 5 ms before now; it reaches B 20 ms later.
        var eventTime = a.State.Now - (5 * Ms);
        var hint = a.EncodeEventTime(eventTime, out var saturated);
        Assert.False(saturated);
        network.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(eventTime, b.DecodeEventTime(A, hint));
    }
}
