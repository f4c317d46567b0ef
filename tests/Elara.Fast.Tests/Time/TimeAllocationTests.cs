using Elara.Fast.Primitives;
using Elara.Fast.Time;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Time;

public sealed class TimeAllocationTests
{
    [Fact]
    public void Samples_frames_hints_and_consensus_allocate_nothing_once_warm()
    {
        var fake = new FakeTimeProvider();
        var engine = new TimeEngine(fake);
        var peers = Enumerable.Range(1, 8).Select(i => new NodeId((ulong)i)).ToArray();
        var failures = 0;

        void Round(int i)
        {
            foreach (var peer in peers)
            {
                var t1 = engine.BeginTimeSync();
                fake.Advance(TimeSpan.FromMilliseconds(5));
                var (t2, t3, offset) = engine.AnswerTimeSync(engine.Perceptual.Now);
                fake.Advance(TimeSpan.FromMilliseconds(5));
                failures += engine.CompleteTimeSync(peer, t1, t2 + (long)peer.Value, t3 + (long)peer.Value, offset) == TimeSampleStatus.Malformed ? 1 : 0;
                engine.OnFrame(peer, engine.State.Now - TimeSpan.TicksPerMillisecond);
                var hint = engine.EncodeEventTime(engine.State.Now + i, out _);
                failures += engine.DecodeEventTime(peer, hint) == long.MinValue ? 1 : 0;
            }

            engine.UpdateConsensus();
        }

        // Warm up past tiered compilation, which allocates on this thread while it instruments hot methods.
        for (var i = 0; i < 1_000; i++)
        {
            Round(i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 2_000; i++)
        {
            Round(i);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(0, failures);
    }
}
