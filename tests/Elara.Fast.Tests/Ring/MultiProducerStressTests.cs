using Elara.Fast.Ring;

namespace Elara.Fast.Tests.Ring;

public sealed class MultiProducerStressTests
{
    private const int Producers = 4;
    private const long EventsPerProducer = 2_500_000; // 10 million in all

    private struct Stamp
    {
        public int Producer;
        public long Counter;
    }

    /// <summary>Per producer: the next counter expected (FIFO per producer), a checksum, and a count.</summary>
    private sealed class Tally
    {
        public readonly long[] Next = new long[Producers];
        public readonly long[] Sum = new long[Producers];
        public readonly long[] Mix = new long[Producers];
        public long OutOfOrder;
        public long Total;
    }

    private readonly struct TallyHandler(Tally tally) : IEventHandler<Stamp>
    {
        public void OnEvent(ref Stamp entry, long sequence, bool endOfBatch)
        {
            var p = entry.Producer;
            if (entry.Counter != tally.Next[p])
            {
                tally.OutOfOrder++;
            }

            tally.Next[p] = entry.Counter + 1;
            tally.Sum[p] += entry.Counter;
            tally.Mix[p] = unchecked((tally.Mix[p] * 31) + entry.Counter);
            tally.Total++;
        }
    }

    [Fact]
    public void Four_producers_ten_million_events_arrive_complete_and_in_order_per_producer()
    {
        var ring = RingBuffer<Stamp>.CreateMultiProducer(1024, new BackoffWaitStrategy());
        var tally = new Tally();
        using var graph = ring.HandleEventsWith(new TallyHandler(tally)).Start();

        var threads = new Thread[Producers];
        for (var p = 0; p < Producers; p++)
        {
            var id = p;
            var batch = 1 << (2 * p); // 1, 4, 16, 64: single and batched claims race each other
            threads[p] = new Thread(() =>
            {
                for (var counter = 0L; counter < EventsPerProducer;)
                {
                    var n = (int)Math.Min(batch, EventsPerProducer - counter);
                    var hi = ring.Next(n);
                    for (var s = hi - n + 1; s <= hi; s++)
                    {
                        ref var stamp = ref ring[s];
                        stamp.Producer = id;
                        stamp.Counter = counter++;
                    }

                    ring.Publish(hi - n + 1, hi);
                }
            }) { IsBackground = true, Name = $"stress-producer-{p}" };
            threads[p].Start();
        }

        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(90)), "a producer did not finish in time");
        }

        Assert.True(graph.Drain(TimeSpan.FromSeconds(60)), "the consumer did not drain in time");
        graph.Halt();

        // Expected values are computed here independently of the ring: 0 + 1 + ... + (n - 1) and the same polynomial mix.
        var expectedSum = EventsPerProducer * (EventsPerProducer - 1) / 2;
        var expectedMix = 0L;
        for (var c = 0L; c < EventsPerProducer; c++)
        {
            expectedMix = unchecked((expectedMix * 31) + c);
        }

        Assert.Equal(0L, tally.OutOfOrder);
        Assert.Equal(Producers * EventsPerProducer, tally.Total);
        for (var p = 0; p < Producers; p++)
        {
            Assert.Equal(EventsPerProducer, tally.Next[p]);
            Assert.Equal(expectedSum, tally.Sum[p]);
            Assert.Equal(expectedMix, tally.Mix[p]);
        }
    }
}
