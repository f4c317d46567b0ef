using Elara.Fast.Ring;
using Elara.Fast.Transport;
using Elara.Fast.Transport.InMemory;

namespace Elara.Fast.Tests.Transport;

public sealed class TransmitStageTests
{
    [Fact]
    public void The_transmit_stage_sends_every_published_frame_from_its_slot_in_batches()
    {
        const int count = 5000;
        using var network = new InMemoryNetwork(seed: 1);
        using var a = network.CreateEndpoint();
        using var b = network.CreateEndpoint();
        var ring = new IngressRing(1 << 14, 1500, new TimeoutBlockingWaitStrategy(TimeSpan.FromMilliseconds(20)));
        var poller = new IngressPoller(ring);
        ((IDatagramTransport)b).Start(ring);
        var egress = new EgressRing(256);
        using var stage = new TransmitStage(egress, a);
        stage.Start();

        var arrivals = new List<Arrival>();
        var handler = new CollectingHandler(arrivals);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        for (var i = 0; i < count; i++)
        {
            // The zero-copy producer: claim, seal the frame in its slot, publish.
            long sequence;
            while (!egress.TryClaim(out sequence))
            {
                poller.Poll(ref handler);
                Assert.True(DateTime.UtcNow < deadline, "the Transmit stage stopped draining");
            }

            var size = 48 + (i % 900);
            TestFrames.Write(egress.GetSlot(sequence)[..size], i);
            egress.Publish(sequence, size, b.RawAddress);
        }

        while (arrivals.Count < count && DateTime.UtcNow < deadline)
        {
            poller.WaitAndPoll(ref handler);
        }

        Assert.Equal(Enumerable.Range(0, count), arrivals.Select(x => x.Id));
        Assert.All(arrivals, x => Assert.True(x.BytesIntact));
        Assert.All(arrivals, x => Assert.Equal(a.RawAddress, x.Source));
        Assert.Equal(count, a.Counters.Sent);
        Assert.True(a.Counters.SendBatches < count, "frames published together leave in batches");
    }

    [Fact]
    public void A_full_egress_ring_refuses_at_once_and_counts()
    {
        var egress = new EgressRing(4);
        egress.Ring.AddGatingSequences(new Sequence());   // a consumer that never moves

        for (var i = 0; i < 4; i++)
        {
            Assert.True(egress.TryEnqueue(TestFrames.Create(i), default));
        }

        Assert.False(egress.TryEnqueue(TestFrames.Create(4), default));
        Assert.False(egress.TryEnqueue(new byte[2000], default));
        Assert.Equal(2, egress.Rejected);
    }
}
