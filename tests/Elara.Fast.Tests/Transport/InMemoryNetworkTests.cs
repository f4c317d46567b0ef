using System.Net;
using Elara.Fast.Transport;
using Elara.Fast.Transport.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Transport;

/// <summary>
/// The in-memory network: delivery, determinism, and each impairment's statistics. Bounds are ±5 standard deviations
/// of the binomial (or stated) distribution, so a correct model fails with probability below 10^-6 for a given seed,
/// while a wrong model (a rate off by a fifth, no reordering, FIFO jitter) fails them by far.
/// </summary>
public sealed class InMemoryNetworkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void A_zero_delay_network_delivers_bytes_and_sender_within_the_send()
    {
        using var network = new InMemoryNetwork(seed: 1);
        using var a = network.CreateEndpoint();
        using var b = network.CreateEndpoint(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        var (ring, poller) = Attach(b);

        a.Send([new OutboundDatagram(TestFrames.Create(7, 100), b.RawAddress)]);

        var arrivals = Drain(ring, poller);
        var arrival = Assert.Single(arrivals);
        Assert.Equal(7, arrival.Id);
        Assert.Equal(100, arrival.Length);
        Assert.True(arrival.BytesIntact);
        Assert.Equal(a.RawAddress, arrival.Source);
        Assert.Equal(a.LocalEndPoint, arrival.Source.ToEndPoint());
        Assert.Equal(DatagramKind.Elara, arrival.Kind);
        Assert.Equal(1, a.Counters.Sent);
        Assert.Equal(1, b.Counters.Received);
    }

    [Fact]
    public void The_same_seed_gives_the_same_delivery_sequence_and_another_seed_does_not()
    {
        var impairment = new NetworkImpairment
        {
            LossProbability = 0.05,
            Delay = TimeSpan.FromMilliseconds(20),
            Jitter = TimeSpan.FromMilliseconds(15),
            ReorderProbability = 0.05,
            DuplicateProbability = 0.05,
            BurstLoss = new BurstLoss(0.02, 0.3),
        };

        var first = Run(seed: 42);
        var second = Run(seed: 42);
        var other = Run(seed: 43);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);

        List<(int Id, long Time)> Run(int seed)
        {
            var time = new FakeTimeProvider();
            using var network = new InMemoryNetwork(seed, time) { DefaultImpairment = impairment };
            using var a = network.CreateEndpoint();
            using var b = network.CreateEndpoint();
            var (ring, poller) = Attach(b);
            var log = new List<(int, long)>();
            for (var i = 0; i < 2000; i++)
            {
                a.Send([new OutboundDatagram(TestFrames.Create(i), b.RawAddress)]);
                time.Advance(Step);
                foreach (var arrival in Drain(ring, poller))
                {
                    log.Add((arrival.Id, time.GetTimestamp()));
                }
            }

            time.Advance(TimeSpan.FromSeconds(1));
            foreach (var arrival in Drain(ring, poller))
            {
                log.Add((arrival.Id, time.GetTimestamp()));
            }

            return log;
        }
    }

    [Fact]
    public void A_constant_delay_never_reorders_and_delivers_exactly_on_time()
    {
        var time = new FakeTimeProvider();
        var delay = TimeSpan.FromMilliseconds(30);
        using var network = new InMemoryNetwork(seed: 5, time) { DefaultImpairment = new NetworkImpairment { Delay = delay } };
        using var a = network.CreateEndpoint();
        using var b = network.CreateEndpoint();
        var (ring, poller) = Attach(b);
        var random = new Random(9);
        var sendTimes = new Dictionary<int, DateTimeOffset>();
        var arrivals = new List<(int Id, DateTimeOffset At)>();
        var id = 0;
        for (var round = 0; round < 3000; round++)
        {
            // Bursts of several datagrams at one instant (equal delivery times: the tiebreak keeps send order).
            var burst = random.Next(1, 4);
            for (var k = 0; k < burst; k++)
            {
                sendTimes[id] = time.GetUtcNow();
                a.Send([new OutboundDatagram(TestFrames.Create(id++), b.RawAddress)]);
            }

            time.Advance(TimeSpan.FromMicroseconds(random.Next(0, 2000)));
            foreach (var arrival in Drain(ring, poller))
            {
                arrivals.Add((arrival.Id, time.GetUtcNow()));
            }
        }

        time.Advance(delay);
        arrivals.AddRange(Drain(ring, poller).Select(x => (x.Id, time.GetUtcNow())));

        Assert.Equal(id, arrivals.Count);
        Assert.Equal(Enumerable.Range(0, id), arrivals.Select(x => x.Id));
        Assert.All(arrivals, x => Assert.True(x.At >= sendTimes[x.Id] + delay));
    }

    [Fact]
    public void Bernoulli_loss_drops_the_configured_fraction()
    {
        const int n = 20_000;
        const double p = 0.1;
        var (received, network) = SendMany(n, new NetworkImpairment { LossProbability = p });

        var lostFraction = (n - received.Count) / (double)n;
        var sigma = Math.Sqrt(p * (1 - p) / n);
        Assert.InRange(lostFraction, p - (5 * sigma), p + (5 * sigma));
        Assert.Equal(n - received.Count, network.Lost);
    }

    [Fact]
    public void Gilbert_Elliott_loss_matches_its_stationary_rate_and_burst_length()
    {
        const int n = 100_000;
        var model = new BurstLoss(GoodToBad: 0.01, BadToGood: 0.25);
        var (received, _) = SendMany(n, new NetworkImpairment { BurstLoss = model });

        var lost = LostRuns(received, n);
        var lossRate = lost.Sum() / (double)n;
        var meanBurst = lost.Average();

        // 0.01 / 0.26 = 3.85 % loss in bursts of 1/r = 4 datagrams. About 960 bursts of geometric length: the
        // relative standard deviation of both figures is ≈ 4 %, so ±15 % is ≈ 3.5 sigma.
        Assert.InRange(lossRate, model.MeanLossRate * 0.85, model.MeanLossRate * 1.15);
        Assert.InRange(meanBurst, 4 * 0.85, 4 * 1.15);

        // Independent loss at the same rate has runs of ≈ 1.04: the burst model really is bursty.
        var (bernoulli, _) = SendMany(n, new NetworkImpairment { LossProbability = model.MeanLossRate });
        Assert.InRange(LostRuns(bernoulli, n).Average(), 1.0, 1.2);
    }

    [Fact]
    public void Jitter_spreads_delivery_uniformly_over_the_window_and_reorders()
    {
        const int n = 10_000;
        var time = new FakeTimeProvider();
        var impairment = new NetworkImpairment { Delay = TimeSpan.FromMilliseconds(10), Jitter = TimeSpan.FromMilliseconds(20) };
        using var network = new InMemoryNetwork(seed: 11, time) { DefaultImpairment = impairment };
        using var a = network.CreateEndpoint();
        using var b = network.CreateEndpoint();
        var (ring, poller) = Attach(b);
        var sent = new Dictionary<int, long>();
        var latencies = new List<double>();
        var order = new List<int>();
        for (var i = 0; i < n; i++)
        {
            sent[i] = time.GetTimestamp();
            a.Send([new OutboundDatagram(TestFrames.Create(i), b.RawAddress)]);
            time.Advance(TimeSpan.FromMicroseconds(500));
            Collect();
        }

        for (var tail = 0; tail < 80; tail++)
        {
            time.Advance(TimeSpan.FromMicroseconds(500));
            Collect();
        }

        Assert.Equal(n, latencies.Count);
        // Latency is observed at the next 0.5 ms step: within [10, 30.5] ms; uniform mean 20 ms (+0.25 ms sampling).
        Assert.All(latencies, l => Assert.InRange(l, 10.0, 30.5));
        var sigmaOfMean = 20 / Math.Sqrt(12) / Math.Sqrt(n);
        Assert.InRange(latencies.Average(), 20.25 - (5 * sigmaOfMean) - 0.25, 20.25 + (5 * sigmaOfMean) + 0.25);
        Assert.True(CountInversions(order) > n / 10, "jitter wider than the send interval must reorder");

        void Collect()
        {
            foreach (var arrival in Drain(ring, poller))
            {
                latencies.Add(time.GetElapsedTime(sent[arrival.Id], time.GetTimestamp()).TotalMilliseconds);
                order.Add(arrival.Id);
            }
        }
    }

    [Fact]
    public void Reordering_holds_back_the_configured_fraction()
    {
        const int n = 20_000;
        const double p = 0.05;
        var (received, _) = SendMany(n, new NetworkImpairment { Delay = TimeSpan.FromMilliseconds(5), ReorderProbability = p, ReorderDelay = TimeSpan.FromMilliseconds(10) });

        // Sent every 1 ms, a held-back datagram is overtaken by the next ones: it arrives after a higher id.
        var late = 0;
        var highest = -1;
        foreach (var id in received)
        {
            if (id < highest)
            {
                late++;
            }

            highest = Math.Max(highest, id);
        }

        Assert.Equal(n, received.Count);
        var sigma = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(late, (n * p) - (5 * sigma), (n * p) + (5 * sigma));
    }

    [Fact]
    public void Duplication_delivers_the_configured_fraction_twice()
    {
        const int n = 10_000;
        const double p = 0.2;
        var (received, network) = SendMany(n, new NetworkImpairment { DuplicateProbability = p });

        var sigma = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(received.Count - n, (n * p) - (5 * sigma), (n * p) + (5 * sigma));
        Assert.Equal(received.Count - n, network.Duplicated);
        Assert.Equal(n, received.Distinct().Count());
    }

    [Fact]
    public void A_bandwidth_cap_serialises_datagrams_and_tail_drops_past_the_queue_depth()
    {
        var time = new FakeTimeProvider();
        var impairment = new NetworkImpairment { BandwidthBytesPerSecond = 100_000, MaxQueueDelay = TimeSpan.FromMilliseconds(500) };
        using var network = new InMemoryNetwork(seed: 3, time) { DefaultImpairment = impairment };
        using var a = network.CreateEndpoint();
        using var b = network.CreateEndpoint();
        var (ring, poller) = Attach(b);

        // 100 datagrams of 1000 B at once: 10 ms each on a 100 kB/s link. Datagram k starts at k × 10 ms; past
        // 500 ms of queue (k ≥ 51) it is dropped.
        for (var i = 0; i < 100; i++)
        {
            a.Send([new OutboundDatagram(TestFrames.Create(i, 1000), b.RawAddress)]);
        }

        var deliveredAt = new List<(int Id, TimeSpan At)>();
        for (var ms = 1; ms <= 1000; ms++)
        {
            time.Advance(Step);
            deliveredAt.AddRange(Drain(ring, poller).Select(x => (x.Id, TimeSpan.FromMilliseconds(ms))));
        }

        Assert.Equal(51, deliveredAt.Count);
        Assert.Equal(49, network.QueueOverflows);
        for (var k = 0; k < deliveredAt.Count; k++)
        {
            Assert.Equal(k, deliveredAt[k].Id);
            Assert.Equal(TimeSpan.FromMilliseconds((k + 1) * 10), deliveredAt[k].At);
        }
    }

    [Fact]
    public void Per_link_impairment_overrides_the_default_in_one_direction_only()
    {
        using var network = new InMemoryNetwork(seed: 8);
        using var a = network.CreateEndpoint();
        using var b = network.CreateEndpoint();
        network.SetLink(a.LocalEndPoint, b.LocalEndPoint, new NetworkImpairment { LossProbability = 1 });
        var (ringA, pollerA) = Attach(a);
        var (ringB, pollerB) = Attach(b);

        a.Send([new OutboundDatagram(TestFrames.Create(1), b.RawAddress)]);
        b.Send([new OutboundDatagram(TestFrames.Create(2), a.RawAddress)]);

        Assert.Empty(Drain(ringB, pollerB));
        Assert.Equal(2, Assert.Single(Drain(ringA, pollerA)).Id);
        Assert.Equal(1, network.Lost);
    }

    [Fact]
    public void Datagrams_that_are_not_ELARA_or_STUN_or_too_short_or_unaddressed_are_counted_not_delivered()
    {
        using var network = new InMemoryNetwork(seed: 2);
        using var a = network.CreateEndpoint();
        using var b = network.CreateEndpoint();
        var (ring, poller) = Attach(b, slotSize: 256);
        var nowhere = RawSocketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 1));
        var junk = new byte[100];
        junk[0] = 0xFF;

        a.Send(
        [
            new OutboundDatagram(new byte[3], b.RawAddress),
            new OutboundDatagram(junk, b.RawAddress),
            new OutboundDatagram(TestFrames.Create(1, 300), b.RawAddress),
            new OutboundDatagram(TestFrames.Create(2), nowhere),
            new OutboundDatagram(TestFrames.Create(3), b.RawAddress),
        ]);

        Assert.Equal(3, Assert.Single(Drain(ring, poller)).Id);
        Assert.Equal(1, b.Counters.Dropped(DropReason.TooShort));
        Assert.Equal(1, b.Counters.Dropped(DropReason.NotElaraOrStun));
        Assert.Equal(1, b.Counters.Dropped(DropReason.TooLarge));
        Assert.Equal(1, network.Unreachable);
    }

    [Fact]
    public void A_full_ring_drops_and_counts_instead_of_blocking()
    {
        using var network = new InMemoryNetwork(seed: 4);
        using var a = network.CreateEndpoint();
        using var b = network.CreateEndpoint();
        var (ring, poller) = Attach(b, size: 8);

        for (var i = 0; i < 20; i++)
        {
            a.Send([new OutboundDatagram(TestFrames.Create(i), b.RawAddress)]);
        }

        Assert.Equal(Enumerable.Range(0, 8), Drain(ring, poller).Select(x => x.Id));
        Assert.Equal(12, b.Counters.Dropped(DropReason.RingFull));
    }

    [Fact]
    public void A_closed_endpoint_no_longer_receives_and_its_address_can_be_reused()
    {
        var time = new FakeTimeProvider();
        using var network = new InMemoryNetwork(seed: 6, time) { DefaultImpairment = new NetworkImpairment { Delay = TimeSpan.FromMilliseconds(5) } };
        using var a = network.CreateEndpoint();
        var b = network.CreateEndpoint();
        var address = b.LocalEndPoint;
        a.Send([new OutboundDatagram(TestFrames.Create(1), b.RawAddress)]);
        b.Dispose();

        time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Equal(1, network.Unreachable);
        using var again = network.CreateEndpoint(address);
        Assert.Equal(address, again.LocalEndPoint);
    }

    private static (IngressRing Ring, IngressPoller Poller) Attach(IDatagramTransport transport, int size = 1 << 16, int slotSize = 1500)
    {
        var ring = new IngressRing(size, slotSize);
        var poller = new IngressPoller(ring);
        transport.Start(ring);
        return (ring, poller);
    }

    private static List<Arrival> Drain(IngressRing ring, IngressPoller poller)
    {
        _ = ring;
        var arrivals = new List<Arrival>();
        var handler = new CollectingHandler(arrivals);
        poller.Poll(ref handler);
        return arrivals;
    }

    /// <summary>Sends n datagrams, one per millisecond, through one impaired link and returns the ids in arrival order.</summary>
    private static (List<int> Received, InMemoryNetwork Network) SendMany(int n, NetworkImpairment impairment)
    {
        var time = new FakeTimeProvider();
        var network = new InMemoryNetwork(seed: 1234, time) { DefaultImpairment = impairment };
        using var a = network.CreateEndpoint();
        using var b = network.CreateEndpoint();
        var (ring, poller) = Attach(b);
        var received = new List<int>(n * 2);
        for (var i = 0; i < n; i++)
        {
            a.Send([new OutboundDatagram(TestFrames.Create(i), b.RawAddress)]);
            time.Advance(Step);
            received.AddRange(Drain(ring, poller).Select(x => x.Id));
        }

        time.Advance(TimeSpan.FromSeconds(2));
        received.AddRange(Drain(ring, poller).Select(x => x.Id));
        return (received, network);
    }

    /// <summary>Lengths of the runs of consecutive ids that never arrived.</summary>
    private static List<int> LostRuns(List<int> received, int n)
    {
        var arrived = new bool[n];
        foreach (var id in received)
        {
            arrived[id] = true;
        }

        var runs = new List<int>();
        var run = 0;
        foreach (var ok in arrived)
        {
            if (!ok)
            {
                run++;
            }
            else if (run > 0)
            {
                runs.Add(run);
                run = 0;
            }
        }

        if (run > 0)
        {
            runs.Add(run);
        }

        return runs;
    }

    private static int CountInversions(List<int> order)
    {
        var inversions = 0;
        for (var i = 1; i < order.Count; i++)
        {
            if (order[i] < order[i - 1])
            {
                inversions++;
            }
        }

        return inversions;
    }
}
