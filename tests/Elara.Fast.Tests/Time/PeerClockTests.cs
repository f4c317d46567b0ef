using Elara.Fast.Primitives;
using Elara.Fast.Time;
using Microsoft.Extensions.Time.Testing;
using static Elara.Fast.Tests.Time.TimeSyncSimulation;

namespace Elara.Fast.Tests.Time;

public sealed class PeerClockTests
{
    private const long Second = TimeSpan.TicksPerSecond;
    private static readonly NodeId Peer = new(0xBEEF);

    private static (TimeEngine Engine, FakeTimeProvider Fake, DateTimeOffset Start) NewEngine()
    {
        var fake = new FakeTimeProvider();
        return (new TimeEngine(fake), fake, fake.GetUtcNow());
    }

    private static long Error(TimeEngine engine, FakeTimeProvider fake, DateTimeOffset start, SimulatedClock peer)
    {
        Assert.True(engine.TryGetPeer(Peer, out var clock));
        var now = TrueNow(fake, start);
        // Local τp equals true time here, so the true offset is the peer's reading minus true time.
        return clock.EstimateOffset(engine.Perceptual.Now) - (peer.At(now) - now);
    }

    [Fact]
    public void Symmetric_fixed_delay_gives_the_exact_offset_and_round_trip()
    {
        var (engine, fake, start) = NewEngine();
        var peer = new SimulatedClock(offset: 250 * Ms);
        Assert.Equal(TimeSampleStatus.Accepted, Exchange(engine, fake, start, Peer, peer, 20 * Ms, 20 * Ms));
        // Equal paths: θ is exact up to the integer halving (one tick).
        Assert.InRange(Math.Abs(Error(engine, fake, start, peer)), 0, 1);
        Assert.True(engine.TryGetPeer(Peer, out var clock));
        Assert.Equal(40 * Ms, clock.RoundTrip);
    }

    [Fact]
    public void Asymmetric_path_errs_by_half_the_asymmetry()
    {
        var (engine, fake, start) = NewEngine();
        var peer = new SimulatedClock(offset: -3 * Second);
        for (var i = 0; i < 10; i++)
        {
            Exchange(engine, fake, start, Peer, peer, 30 * Ms, 10 * Ms);
            fake.Advance(TimeSpan.FromSeconds(1));
        }

        // NTP's inherent bound: a path 20 ms longer one way shifts θ by half of it, 10 ms, toward that side, and
        // no filter can see it. Any more than that (plus a tick of rounding) would be the filter's fault.
        var error = Error(engine, fake, start, peer);
        Assert.InRange(error, 10 * Ms - 1, 10 * Ms + 1);
    }

    [Fact]
    public void Random_queueing_delay_is_filtered_to_the_least_delayed_sample()
    {
        var (engine, fake, start) = NewEngine();
        var peer = new SimulatedClock(offset: 42 * Ms);
        var random = new Random(7);
        const long baseDelay = 5 * Ms;
        double rawErrorSum = 0, filteredErrorSum = 0;
        const int exchanges = 64;
        for (var i = 0; i < exchanges; i++)
        {
            // Exponential queueing on each path (mean 15 ms): the shape of a loaded router queue.
            var up = baseDelay + (long)(-Math.Log(1 - random.NextDouble()) * 15 * Ms);
            var down = baseDelay + (long)(-Math.Log(1 - random.NextDouble()) * 15 * Ms);
            Assert.Equal(TimeSampleStatus.Accepted, Exchange(engine, fake, start, Peer, peer, up, down));
            rawErrorSum += Math.Abs(up - down) / 2.0; // a raw sample's error, from the model
            var error = Error(engine, fake, start, peer);
            filteredErrorSum += Math.Abs(error);
            Assert.True(engine.TryGetPeer(Peer, out var clock));
            // Bound from the model: θ errs by (q_up − q_down)/2, so at most by the queueing in the chosen sample,
            // (δ − 2·base)/2 (plus a tick of halving).
            Assert.True(Math.Abs(error) <= ((clock.RoundTrip - (2 * baseDelay)) / 2) + 1, $"exchange {i}: error {error}");
            fake.Advance(TimeSpan.FromSeconds(1));
        }

        // The minimum-delay filter must beat taking each sample as it comes, by a wide margin (in this seeded run
        // the mean raw error is ≈ 11 ms); half is a loose bar that a filter doing nothing fails.
        Assert.True(filteredErrorSum < rawErrorSum / 2, $"filtered {filteredErrorSum / exchanges}, raw {rawErrorSum / exchanges}");
    }

    [Fact]
    public void A_peer_drifting_100_ppm_is_measured_within_20_ppm_over_five_minutes()
    {
        var (engine, fake, start) = NewEngine();
        var peer = new SimulatedClock(offset: 1 * Second, driftPpm: 100);
        var random = new Random(11);
        for (var i = 0; i < 150; i++)
        {
            var up = 5 * Ms + random.NextInt64(0, 2 * Ms);
            var down = 5 * Ms + random.NextInt64(0, 2 * Ms);
            Assert.Equal(TimeSampleStatus.Accepted, Exchange(engine, fake, start, Peer, peer, up, down));
            fake.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.True(engine.TryGetPeer(Peer, out var clock));
        Assert.True(clock.TryGetSkew(out var skew));
        // Over ≈ 300 s the drift adds 30 ms; each sample errs by at most ±1 ms (half the 2 ms path spread), so a
        // least-squares slope over ≈ 100 samples errs by far less than 1 ms / 300 s ≈ 3.3 ppm. 20 ppm is a safe bound.
        Assert.InRange(skew * 1e6, 80, 120);
        // Carried forward by the skew, the estimate stays within the sample error (1 ms) plus a margin.
        Assert.InRange(Math.Abs(Error(engine, fake, start, peer)), 0, 2 * Ms);
    }

    [Fact]
    public void Skew_is_not_reported_before_a_minute_of_samples()
    {
        var (engine, fake, start) = NewEngine();
        var peer = new SimulatedClock(offset: 0, driftPpm: 100);
        for (var i = 0; i < 20; i++)
        {
            Exchange(engine, fake, start, Peer, peer, 5 * Ms, 5 * Ms);
            fake.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.True(engine.TryGetPeer(Peer, out var clock));
        Assert.False(clock.TryGetSkew(out _));
    }

    [Fact]
    public void One_wild_sample_is_rejected_and_a_real_jump_is_followed_after_four()
    {
        var (engine, fake, start) = NewEngine();
        var jumpAt = 30 * Second;
        var peer = new SimulatedClock(offset: 100 * Ms, jumpAt: jumpAt, jumpBy: 2 * Second);
        while (TrueNow(fake, start) < jumpAt - (2 * Second))
        {
            Assert.Equal(TimeSampleStatus.Accepted, Exchange(engine, fake, start, Peer, peer, 10 * Ms, 10 * Ms));
            fake.Advance(TimeSpan.FromSeconds(1));
        }

        // A single forged reply 5 s off: an outlier, and the estimate does not move.
        var t1 = engine.BeginTimeSync();
        var forged = new TimeSyncSample(t1, t1 + (5 * Second), t1 + (5 * Second), t1 + (20 * Ms));
        Assert.Equal(TimeSampleStatus.Outlier, engine.CompleteTimeSync(Peer, forged, 0));
        Assert.InRange(Math.Abs(Error(engine, fake, start, peer)), 0, 1);

        fake.Advance(TimeSpan.FromSeconds(3));
        // The peer's clock jumped by 2 s: three samples are held as outliers, the fourth confirms the jump.
        var verdicts = new TimeSampleStatus[4];
        for (var i = 0; i < 4; i++)
        {
            verdicts[i] = Exchange(engine, fake, start, Peer, peer, 10 * Ms, 10 * Ms);
            fake.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([TimeSampleStatus.Outlier, TimeSampleStatus.Outlier, TimeSampleStatus.Outlier, TimeSampleStatus.JumpAccepted], verdicts);
        Assert.True(engine.TryGetPeer(Peer, out var clock));
        Assert.Equal(1, clock.Jumps);
        Assert.InRange(Math.Abs(Error(engine, fake, start, peer)), 0, 1);
    }

    [Theory]
    [InlineData(100L, 0L, 0L, 50L)]             // reply before request
    [InlineData(0L, 10L, 5L, 100L)]             // peer answered before it received
    [InlineData(0L, 0L, 0L, 11 * Second)]       // round trip over 10 s
    [InlineData(long.MinValue, long.MaxValue, long.MaxValue, long.MaxValue)] // overflow bait
    public void Impossible_exchanges_are_rejected_and_counted(long t1, long t2, long t3, long t4)
    {
        var (engine, _, _) = NewEngine();
        Assert.Equal(TimeSampleStatus.Malformed, engine.CompleteTimeSync(Peer, new TimeSyncSample(t1, t2, t3, t4), 0));
        Assert.True(engine.TryGetPeer(Peer, out var clock));
        Assert.Equal(1, clock.MalformedSamples);
        Assert.False(clock.HasEstimate);
    }

    [Fact]
    public void Peers_beyond_the_limit_are_refused_and_counted()
    {
        var fake = new FakeTimeProvider();
        var engine = new TimeEngine(fake, new TimeEngineOptions { MaxPeers = 2 });
        engine.OnFrame(new NodeId(1), 0);
        engine.OnFrame(new NodeId(2), 0);
        engine.OnFrame(new NodeId(3), 0);
        Assert.Equal(2, engine.PeerCount);
        Assert.Equal(1, engine.PeersRefused);
        Assert.False(engine.TryGetPeer(new NodeId(3), out _));
    }

    [Fact]
    public void A_tracked_peer_allocates_nothing_on_its_first_sample_and_counts_against_the_limit()
    {
        var fake = new FakeTimeProvider();
        var engine = new TimeEngine(fake, new TimeEngineOptions { MaxPeers = 1 });
        Assert.True(engine.TrackPeer(Peer));
        Assert.True(engine.TryGetPeer(Peer, out var clock));
        Assert.False(clock.HasEstimate); // tracked, but no sample yet: the consensus ignores it
        Assert.Equal(StateClockAdjustment.None, engine.UpdateConsensus());
        Assert.False(engine.TrackPeer(new NodeId(99)));
        Assert.Equal(1, engine.PeersRefused);

        // Warm the sample path on a throwaway engine, so only the first sample for the tracked peer is measured.
        var warm = new TimeEngine(fake);
        for (var i = 0; i < 200; i++)
        {
            warm.CompleteTimeSync(new NodeId(7), 10, 20, 30, 0);
        }

        var t1 = engine.BeginTimeSync();
        fake.Advance(TimeSpan.FromMilliseconds(4));
        var (t2, t3, offset) = engine.AnswerTimeSync(engine.Perceptual.Now);
        fake.Advance(TimeSpan.FromMilliseconds(4));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = engine.CompleteTimeSync(Peer, t1, t2, t3, offset);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotEqual(TimeSampleStatus.Malformed, status);
        Assert.True(clock.HasEstimate);
        Assert.Equal(0, allocated);
    }
}
