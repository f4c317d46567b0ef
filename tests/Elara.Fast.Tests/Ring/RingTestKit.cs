using Elara.Fast.Ring;

namespace Elara.Fast.Tests.Ring;

/// <summary>The entry used by most ring tests: the producer's stamp plus one mark per stage.</summary>
internal struct Slot
{
    public long Value;
    public int Producer;
    public long Marks0;
    public long Marks1;
    public long Marks2;
}

/// <summary>What one processor saw; written only by its own thread, read after Halt (Thread.Join orders it).</summary>
internal sealed class StageCheck
{
    public long Last = -1;
    public long Count;
    public long Errors;
    public long Batches;
    public string? FirstError;

    public void Fail(string message)
    {
        Errors++;
        FirstError ??= message;
    }
}

/// <summary>
/// Checks ordering and dependencies: sequences arrive contiguous (or, for worker i of K, exactly the ones with
/// seq % K == i, increasing), the producer's stamp is intact (no overwrite), every mark in <see cref="Requires"/> is
/// set (upstream stages ran first) and the one in <see cref="Writes"/> is still clear; then it sets its own mark.
/// </summary>
internal struct CheckingHandler : IEventHandler<Slot>, IBatchStartHandler
{
    public StageCheck Check;
    public int Requires;
    public int Writes;
    public int WorkerCount;
    public int WorkerIndex;

    public CheckingHandler(StageCheck check, int requires, int writes, int workerCount = 1, int workerIndex = 0)
    {
        Check = check;
        Requires = requires;
        Writes = writes;
        WorkerCount = workerCount;
        WorkerIndex = workerIndex;
    }

    public readonly void OnBatchStart(long batchSize) => Check.Batches++;

    public readonly void OnEvent(ref Slot entry, long sequence, bool endOfBatch)
    {
        var check = Check;
        var expected = WorkerCount == 1 ? check.Last + 1 : NextOwned(check.Last);
        if (sequence != expected)
        {
            check.Fail($"expected sequence {expected}, got {sequence}");
        }

        if (entry.Value != sequence)
        {
            check.Fail($"slot {sequence} holds stamp {entry.Value}: overwritten or not yet written");
        }

        for (var bit = 0; bit < 3; bit++)
        {
            if ((Requires & (1 << bit)) != 0 && Mark(ref entry, bit) != sequence + 1)
            {
                check.Fail($"slot {sequence}: upstream mark {bit} missing");
            }
        }

        if (Writes >= 0)
        {
            if (Mark(ref entry, Writes) != 0)
            {
                check.Fail($"slot {sequence}: own mark {Writes} already set");
            }

            Mark(ref entry, Writes) = sequence + 1;
        }

        check.Last = sequence;
        check.Count++;
    }

    private readonly long NextOwned(long last)
    {
        var next = last + 1;
        while (next % WorkerCount != WorkerIndex)
        {
            next++;
        }

        return next;
    }

    private static ref long Mark(ref Slot entry, int bit)
    {
        switch (bit)
        {
            case 0:
                return ref entry.Marks0;
            case 1:
                return ref entry.Marks1;
            default:
                return ref entry.Marks2;
        }
    }
}

internal static class RingTestKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static IWaitStrategy CreateStrategy(string name) => name switch
    {
        "BusySpin" => new BusySpinWaitStrategy(),
        "Yielding" => new YieldingWaitStrategy(),
        "Sleeping" => new SleepingWaitStrategy(),
        "Blocking" => new BlockingWaitStrategy(),
        "TimeoutBlocking" => new TimeoutBlockingWaitStrategy(TimeSpan.FromMilliseconds(5)),
        "Backoff" => new BackoffWaitStrategy(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown strategy"),
    };

    /// <summary>Publishes sequences stamped with their own number, in claims of varying size (1, 2, 3, ... 7), clearing the marks.</summary>
    public static void Produce(RingBuffer<Slot> ring, long count, int producer = 0)
    {
        var produced = 0L;
        var size = 1;
        while (produced < count)
        {
            var n = (int)Math.Min(Math.Min(size, count - produced), ring.Size);
            var hi = n == 1 ? ring.Next() : ring.Next(n);
            for (var s = hi - n + 1; s <= hi; s++)
            {
                ref var slot = ref ring[s];
                slot.Value = s;
                slot.Producer = producer;
                slot.Marks0 = 0;
                slot.Marks1 = 0;
                slot.Marks2 = 0;
            }

            if (n == 1)
            {
                ring.Publish(hi);
            }
            else
            {
                ring.Publish(hi - n + 1, hi);
            }

            produced += n;
            size = size == 7 ? 1 : size + 1;
        }
    }

    /// <summary>Runs <paramref name="producers"/> threads that together publish <paramref name="count"/> events.</summary>
    public static void ProduceConcurrently(RingBuffer<Slot> ring, long count, int producers)
    {
        var threads = new Thread[producers];
        for (var p = 0; p < producers; p++)
        {
            var share = (count / producers) + (p < count % producers ? 1 : 0);
            var id = p;
            threads[p] = new Thread(() => Produce(ring, share, id)) { IsBackground = true, Name = $"test-producer-{p}" };
            threads[p].Start();
        }

        foreach (var thread in threads)
        {
            Assert.True(thread.Join(Patience), "a producer did not finish in time");
        }
    }
}
