using System.Collections.Concurrent;
using System.Threading.Channels;
using Elara.Fast.Ring;

namespace Elara.Fast.Benchmarks.Ring;

/// <summary>A consumer that folds every entry into a running sum (so the JIT cannot drop the read).</summary>
public struct SumHandler : IEventHandler<long>
{
    public long Sum;

    public void OnEvent(ref long entry, long sequence, bool endOfBatch) => Sum += entry;
}

/// <summary>A middle stage: reads the entry and writes it back incremented (a pipeline stage that touches the slot).</summary>
public struct IncrementHandler : IEventHandler<long>
{
    public void OnEvent(ref long entry, long sequence, bool endOfBatch) => entry++;
}

/// <summary>A parallel stage that only reads (a diamond's B or C).</summary>
public struct ReadHandler : IEventHandler<long>
{
    public long Seen;

    public void OnEvent(ref long entry, long sequence, bool endOfBatch) => Seen += entry;
}

internal static class RingBenchmarkKit
{
    public const int RingSize = 1 << 16;
    public const int ChannelCapacity = 1 << 16;
    public const int PublishBatch = 64;

    public static IWaitStrategy Strategy(string name) => name switch
    {
        "BusySpin" => new BusySpinWaitStrategy(),
        "Yielding" => new YieldingWaitStrategy(),
        "Sleeping" => new SleepingWaitStrategy(),
        "Blocking" => new BlockingWaitStrategy(),
        "TimeoutBlocking" => new TimeoutBlockingWaitStrategy(TimeSpan.FromMilliseconds(100)),
        _ => new BackoffWaitStrategy(),
    };

    /// <summary>Waits (spin, yield, sleep) until every sequence reached <paramref name="target"/>.</summary>
    public static void WaitUntil(Sequence sequence, long target)
    {
        var spinner = default(SpinWait);
        while (sequence.Value < target)
        {
            spinner.SpinOnce();
        }
    }

    /// <summary>Publishes <paramref name="count"/> events in claims of <see cref="PublishBatch"/>; returns the last sequence.</summary>
    public static long PublishBatched(RingBuffer<long> ring, int count)
    {
        var hi = ring.Cursor;
        for (var done = 0; done < count; done += PublishBatch)
        {
            hi = ring.Next(PublishBatch);
            var lo = hi - PublishBatch + 1;
            for (var s = lo; s <= hi; s++)
            {
                ring[s] = s;
            }

            ring.Publish(lo, hi);
        }

        return hi;
    }

    /// <summary>Publishes <paramref name="count"/> events one claim and one publish each; returns the last sequence.</summary>
    public static long PublishSingle(RingBuffer<long> ring, int count)
    {
        var s = ring.Cursor;
        for (var i = 0; i < count; i++)
        {
            s = ring.Next();
            ring[s] = s;
            ring.Publish(s);
        }

        return s;
    }

    public static Channel<long> BoundedChannel(bool singleWriter) => Channel.CreateBounded<long>(new BoundedChannelOptions(ChannelCapacity)
    {
        SingleReader = true,
        SingleWriter = singleWriter,
        FullMode = BoundedChannelFullMode.Wait,
        AllowSynchronousContinuations = false,
    });

    /// <summary>Writes without awaiting when there is room, the idiomatic fast path.</summary>
    public static async ValueTask WriteAsync(ChannelWriter<long> writer, long value)
    {
        if (!writer.TryWrite(value))
        {
            await writer.WriteAsync(value).ConfigureAwait(false);
        }
    }

    /// <summary>Reads everything, forwarding each item to <paramref name="next"/> (or counting it), until the channel completes.</summary>
    public static async Task PumpAsync(ChannelReader<long> reader, ChannelWriter<long>[] next, Counter counter)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                foreach (var writer in next)
                {
                    await WriteAsync(writer, item + 1).ConfigureAwait(false);
                }

                counter.Add(item);
            }
        }
    }

    /// <summary>Takes everything from <paramref name="input"/>, forwarding to <paramref name="next"/> (or counting), until adding completes.</summary>
    public static Thread Pump(BlockingCollection<long> input, BlockingCollection<long>[] next, Counter counter, string name)
    {
        var thread = new Thread(() =>
        {
            foreach (var item in input.GetConsumingEnumerable())
            {
                foreach (var collection in next)
                {
                    collection.Add(item + 1);
                }

                counter.Add(item);
            }
        }) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}

/// <summary>Items seen by a baseline consumer; the benchmark thread waits on <see cref="Count"/>.</summary>
public sealed class Counter
{
    private long _count;

    public long Sum;

    public long Count => Volatile.Read(ref _count);

    public void Add(long item)
    {
        Sum += item;
        Volatile.Write(ref _count, _count + 1); // single consumer thread: release so the waiter sees the count
    }

    public void WaitFor(long target)
    {
        var spinner = default(SpinWait);
        while (Count < target)
        {
            spinner.SpinOnce();
        }
    }
}
