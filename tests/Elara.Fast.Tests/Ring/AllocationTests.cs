using Elara.Fast.Ring;

namespace Elara.Fast.Tests.Ring;

[Collection(nameof(RingQuietCollection))]
public sealed class AllocationTests
{
    private sealed class ConsumerAllocation
    {
        public long StartSequence;
        public long EndSequence;
        public long Before = -1;
        public long After = -1;
        public long Sum;
    }

    /// <summary>Measures its own thread's allocation between two sequences, so the consumer side is checked too.</summary>
    private readonly struct MeasuringHandler(ConsumerAllocation probe) : IEventHandler<long>, IBatchStartHandler
    {
        public void OnBatchStart(long batchSize)
        {
        }

        public void OnEvent(ref long entry, long sequence, bool endOfBatch)
        {
            probe.Sum += entry;
            if (sequence == probe.StartSequence)
            {
                probe.Before = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (sequence == probe.EndSequence)
            {
                probe.After = GC.GetAllocatedBytesForCurrentThread();
            }
        }
    }

    private static void Run(RingBuffer<long> ring, long count)
    {
        for (var i = 0L; i < count; i++)
        {
            if ((i & 1) == 0)
            {
                var s = ring.Next();
                ring[s] = 1;
                ring.Publish(s);
            }
            else
            {
                var hi = ring.Next(1);
                ring[hi] = 1;
                ring.Publish(hi, hi);
            }
        }
    }

    [Theory]
    [InlineData(ProducerType.Single, "Backoff")]
    [InlineData(ProducerType.Multi, "Backoff")]
    [InlineData(ProducerType.Single, "Blocking")]
    [InlineData(ProducerType.Single, "Yielding")]
    public void Steady_state_publishing_and_handling_allocate_nothing(ProducerType producerType, string strategy)
    {
        const long warmup = 100_000;
        const long measured = 500_000;
        var ring = new RingBuffer<long>(1024, producerType, RingTestKit.CreateStrategy(strategy));
        var probe = new ConsumerAllocation { StartSequence = warmup, EndSequence = warmup + measured - 1 };
        using var graph = ring.HandleEventsWith(new MeasuringHandler(probe)).Then(new MeasuringHandler(new ConsumerAllocation { StartSequence = -2, EndSequence = -2 })).Start();

        Run(ring, warmup);
        Assert.True(graph.Drain(RingTestKit.Patience));

        var totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        var producerBefore = GC.GetAllocatedBytesForCurrentThread();
        Run(ring, measured);
        var producerAfter = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(graph.Drain(RingTestKit.Patience));
        var totalAfter = GC.GetTotalAllocatedBytes(precise: true);
        graph.Halt();

        Assert.Equal(producerBefore, producerAfter);
        Assert.True(probe.Before >= 0 && probe.After >= 0, "the consumer never reached the measured window");
        Assert.Equal(probe.Before, probe.After);
        Assert.Equal(warmup + measured, probe.Sum);

        // Whole process, every thread: far below one byte per event (the test host's own threads may allocate a little).
        Assert.True(totalAfter - totalBefore < measured / 16, $"{totalAfter - totalBefore} bytes allocated process-wide for {measured} events");
    }
}
