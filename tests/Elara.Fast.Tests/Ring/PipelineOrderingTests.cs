using Elara.Fast.Ring;

namespace Elara.Fast.Tests.Ring;

/// <summary>Every sequencer × wait strategy × graph shape delivers every event, in order, after its upstream stages, exactly once.</summary>
public sealed class PipelineOrderingTests
{
    public static TheoryData<ProducerType, string, string> Cases()
    {
        var data = new TheoryData<ProducerType, string, string>();
        foreach (var producer in new[] { ProducerType.Single, ProducerType.Multi })
        {
            foreach (var strategy in new[] { "BusySpin", "Yielding", "Sleeping", "Blocking", "TimeoutBlocking", "Backoff" })
            {
                foreach (var shape in new[] { "Single", "Chain", "Fan", "Diamond", "Workers" })
                {
                    data.Add(producer, strategy, shape);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_event_reaches_every_stage_in_order_and_after_its_dependencies(ProducerType producerType, string strategy, string shape)
    {
        // Busy-spin threads outnumber the 2 cores here: keep that run short (each hand-off may wait for a time slice).
        var events = strategy == "BusySpin" ? 500 : 10_000;
        var ring = new RingBuffer<Slot>(256, producerType, RingTestKit.CreateStrategy(strategy));
        var checks = new List<(StageCheck Check, int Workers)>();
        StageCheck New(int workers = 1)
        {
            var check = new StageCheck();
            checks.Add((check, workers));
            return check;
        }

        using var graph = shape switch
        {
            "Single" => ring.HandleEventsWith(new CheckingHandler(New(), 0, 0)).Graph,
            "Chain" => ring.HandleEventsWith(new CheckingHandler(New(), 0, 0))
                .Then(new CheckingHandler(New(), 0b001, 1))
                .Then(new CheckingHandler(New(), 0b011, 2)).Graph,
            "Fan" => ring.HandleEventsWith(new CheckingHandler(New(), 0, 0))
                .Then(new CheckingHandler(New(), 0b001, 1), new CheckingHandler(New(), 0b001, 2)).Graph,
            "Diamond" => ring.HandleEventsWith(new CheckingHandler(New(), 0, 0))
                .Then(new CheckingHandler(New(), 0b001, 1), new CheckingHandler(New(), 0b001, 2))
                .Then(new CheckingHandler(New(), 0b111, -1)).Graph,
            "Workers" => Workers(ring, New(3)),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };

        graph.Start();
        if (producerType == ProducerType.Single)
        {
            RingTestKit.Produce(ring, events);
        }
        else
        {
            RingTestKit.ProduceConcurrently(ring, events, producers: 2);
        }

        Assert.True(graph.Drain(RingTestKit.Patience), "the graph did not drain in time");
        graph.Halt();
        Assert.Null(graph.Fault);

        foreach (var (check, workers) in checks)
        {
            Assert.True(check.Errors == 0, check.FirstError);
            Assert.Equal((long)events, check.Count);
            Assert.Equal(events - 1L, check.Last);
            Assert.True(check.Batches >= 1);
        }

        Assert.Equal(0L, graph.GetLag(graph.StageCount - 1));
    }

    private static EventGraph<Slot> Workers(RingBuffer<Slot> ring, StageCheck combined)
    {
        // Three workers split the stream by seq % 3; a final stage checks each event was marked by its worker first.
        var parts = new[] { new StageCheck(), new StageCheck(), new StageCheck() };
        var graph = ring.CreateGraph();
        graph.HandleEventsWithWorkers(
                new CheckingHandler(parts[0], 0, 0, 3, 0),
                new CheckingHandler(parts[1], 0, 0, 3, 1),
                new CheckingHandler(parts[2], 0, 0, 3, 2))
            .Then(new CombinedCheck(combined, parts));
        return graph;
    }

    /// <summary>After the workers: every event carries mark 0, and the workers' own checks are folded in at the end.</summary>
    private struct CombinedCheck(StageCheck check, StageCheck[] parts) : IEventHandler<Slot>, IBatchStartHandler
    {
        private CheckingHandler _inner = new(check, 0b001, 1);

        public readonly void OnBatchStart(long batchSize) => _inner.OnBatchStart(batchSize);

        public void OnEvent(ref Slot entry, long sequence, bool endOfBatch)
        {
            _inner.OnEvent(ref entry, sequence, endOfBatch);
            var owner = parts[sequence % 3];
            if (owner.Last < sequence)
            {
                check.Fail($"slot {sequence} reached the join before its worker finished it");
            }

            foreach (var part in parts)
            {
                if (part.Errors != 0)
                {
                    check.Fail(part.FirstError!);
                    part.Errors = 0;
                }
            }
        }
    }
}
