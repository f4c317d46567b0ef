using CsCheck;
using Elara.Fast.Time;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Time;

public sealed class ClockTests
{
    private const long Ms = TimeSpan.TicksPerMillisecond;
    private const long Second = TimeSpan.TicksPerSecond;

    [Fact]
    public void Perceptual_clock_counts_ticks_from_creation()
    {
        var fake = new FakeTimeProvider();
        var clock = new PerceptualClock(fake);
        Assert.Equal(0, clock.Now);
        fake.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(250 * Ms, clock.Now);
    }

    [Fact]
    public void Perceptual_clock_converts_other_frequencies_and_holds_when_the_source_goes_back()
    {
        // Nanosecond source: origin 1,000 ns, then 1 ms, then back to 0.5 ms, then 2 ms.
        var clock = new PerceptualClock(new SteppingBackTimeProvider(1_000, 1_001_000, 501_000, 2_001_000));
        Assert.Equal(Ms, clock.Now);
        Assert.Equal(Ms, clock.Now);
        Assert.Equal(1, clock.BackwardReadings);
        Assert.Equal(2 * Ms, clock.Now);
    }

    [Fact]
    public void State_clock_slews_at_five_percent_of_elapsed_time()
    {
        var fake = new FakeTimeProvider();
        var clock = new StateClock(new PerceptualClock(fake), new TimeEngineOptions());
        Assert.Equal(StateClockAdjustment.Slewing, clock.SetTargetOffset(100 * Ms));
        fake.Advance(TimeSpan.FromSeconds(1));
        // 5 % of 1 s = 50 ms of the 100 ms error.
        Assert.Equal(1_050 * Ms, clock.Now);
        fake.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2_100 * Ms, clock.Now);
        fake.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3_100 * Ms, clock.Now); // reached: runs at real rate again
        Assert.Equal(0, clock.Steps);
    }

    [Fact]
    public void State_clock_steps_forward_once_for_a_large_error_and_logs_it()
    {
        var fake = new FakeTimeProvider();
        var logger = new ListLogger();
        var clock = new StateClock(new PerceptualClock(fake), new TimeEngineOptions(), logger);
        fake.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(StateClockAdjustment.Stepped, clock.SetTargetOffset(3 * Second));
        Assert.Equal(13 * Second, clock.Now);
        Assert.Equal(1, clock.Steps);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(800, entry.Id.Id);
        // Same target again: nothing left to correct.
        Assert.Equal(StateClockAdjustment.None, clock.SetTargetOffset(3 * Second));
        Assert.Equal(1, clock.Steps);
    }

    [Fact]
    public void State_clock_never_steps_back_for_a_large_backward_error()
    {
        var fake = new FakeTimeProvider();
        var clock = new StateClock(new PerceptualClock(fake), new TimeEngineOptions());
        fake.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(10 * Second, clock.Now);
        Assert.Equal(StateClockAdjustment.Slewing, clock.SetTargetOffset(-2 * Second));
        Assert.Equal(10 * Second, clock.Now);
        fake.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10_950 * Ms, clock.Now); // 95 % of real time while 2 s behind is worked off
        fake.Advance(TimeSpan.FromSeconds(60));
        _ = clock.Now;
        Assert.Equal(-2 * Second, clock.Offset); // 40 s at 5 % absorbs 2 s
        Assert.Equal(0, clock.Steps);
    }

    [Fact]
    public void State_clock_is_monotonic_and_rate_bounded_under_any_sequence_of_targets()
    {
        Gen.Select(Gen.Long[-5 * Second, 5 * Second], Gen.Long[0, 2 * Second]).Array[1, 60].Sample(steps =>
        {
            var fake = new FakeTimeProvider();
            var clock = new StateClock(new PerceptualClock(fake), new TimeEngineOptions());
            var previous = clock.Now;
            foreach (var (target, advance) in steps)
            {
                var stepped = clock.SetTargetOffset(target) == StateClockAdjustment.Stepped;
                var afterSet = clock.Now;
                if (afterSet < previous || (!stepped && afterSet != previous))
                {
                    return false;
                }

                fake.Advance(TimeSpan.FromTicks(advance));
                var now = clock.Now;
                // Between adjustments τs runs at 95–105 % of τp (integer rounding: one tick).
                var elapsed = now - afterSet;
                if (elapsed < (advance * 95 / 100) - 1 || elapsed > (advance * 105 / 100) + 1)
                {
                    return false;
                }

                previous = now;
            }

            return true;
        }, iter: 500);
    }
}
