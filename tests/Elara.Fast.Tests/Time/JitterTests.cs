using Elara.Fast.Time;

namespace Elara.Fast.Tests.Time;

public sealed class JitterTests
{
    private const long Ms = TimeSpan.TicksPerMillisecond;

    [Fact]
    public void Constant_transit_has_no_jitter_whatever_the_clock_offset()
    {
        var jitter = new InterarrivalJitter();
        for (var i = 0; i < 100; i++)
        {
            // Sender clock 7 s ahead of ours, 20 ms packets, 30 ms transit: the offset cancels in D.
            var sent = (7_000 * Ms) + (i * 20 * Ms);
            jitter.Add(sent, sent - (7_000 * Ms) + (30 * Ms));
        }

        Assert.Equal(0, jitter.Jitter);
    }

    [Fact]
    public void Alternating_transit_converges_on_the_difference()
    {
        var jitter = new InterarrivalJitter();
        for (var i = 0; i < 300; i++)
        {
            var sent = i * 20 * Ms;
            jitter.Add(sent, sent + ((i & 1) == 0 ? 10 * Ms : 14 * Ms));
        }

        // |D| is 4 ms every packet, so J → 4 ms; after 300 packets (1 − 1/16)^300 ≈ 4e-9 of the start is left,
        // and A.8's integer rounding costs at most a few ticks.
        Assert.InRange(jitter.Jitter, (4 * Ms) - 16, 4 * Ms);
    }

    [Fact]
    public void Uniform_random_transit_gives_a_third_of_the_spread()
    {
        var jitter = new InterarrivalJitter();
        var random = new Random(3);
        const long spread = 30 * Ms;
        for (var i = 0; i < 5_000; i++)
        {
            var sent = i * 20 * Ms;
            jitter.Add(sent, sent + random.NextInt64(0, spread));
        }

        // E|X − Y| for X, Y uniform on [0, U) is U/3 = 10 ms. J is an exponential average with gain 1/16, whose
        // standard deviation is σ(|D|)·√(1/31) ≈ 0.236·U/5.6 ≈ 1.3 ms; ±3σ ≈ ±4 ms.
        Assert.InRange(jitter.Jitter, 6 * Ms, 14 * Ms);
    }

    [Fact]
    public void A_hostile_timestamp_moves_jitter_by_a_bounded_amount()
    {
        var jitter = new InterarrivalJitter();
        jitter.Add(0, 10 * Ms);
        jitter.Add(long.MinValue, 20 * Ms);
        jitter.Add(long.MaxValue, 30 * Ms);
        // Each |D| is capped at 10 s, so two of them move J by at most 2 × 10 s / 16.
        Assert.InRange(jitter.Jitter, 1, 2 * 10 * TimeSpan.TicksPerSecond / 16);
    }
}
