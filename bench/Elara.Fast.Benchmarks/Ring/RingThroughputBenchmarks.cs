using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Elara.Fast.Ring;

namespace Elara.Fast.Benchmarks.Ring;

/// <summary>
/// 1 producer → 1 consumer, 8-byte <c>long</c> events: the ring (batched and single publish, yielding and the
/// default backoff strategy) against a bounded SPSC <see cref="Channel"/> and a bounded <see cref="BlockingCollection{T}"/>
/// in the same run. Ops/s = 1 / (Mean per operation); each invocation moves <see cref="Events"/> events.
/// </summary>
[MemoryDiagnoser]
public class RingThroughputBenchmarks
{
    public const int Events = 1 << 20;

    private RingBuffer<long> _ring = null!;
    private EventGraph<long> _graph = null!;
    private Sequence _consumer = null!;
    private Channel<long> _channel = null!;
    private Task _channelConsumer = null!;
    private BlockingCollection<long> _collection = null!;
    private Thread _collectionConsumer = null!;
    private Counter _counter = null!;

    private void SetupRing(string strategy)
    {
        _ring = new RingBuffer<long>(RingBenchmarkKit.RingSize, ProducerType.Single, RingBenchmarkKit.Strategy(strategy));
        _graph = _ring.HandleEventsWith(default(SumHandler)).Start();
        _consumer = _graph.GetStage(0).Processors[0].Sequence;
    }

    [GlobalSetup(Targets = [nameof(Ring_batched_yielding), nameof(Ring_single_yielding)])]
    public void SetupYielding() => SetupRing("Yielding");

    [GlobalSetup(Targets = [nameof(Ring_batched_backoff), nameof(Ring_single_backoff)])]
    public void SetupBackoff() => SetupRing("Backoff");

    [GlobalSetup(Target = nameof(Channel_bounded_spsc))]
    public void SetupChannel()
    {
        _counter = new Counter();
        _channel = RingBenchmarkKit.BoundedChannel(singleWriter: true);
        _channelConsumer = Task.Run(() => RingBenchmarkKit.PumpAsync(_channel.Reader, [], _counter));
    }

    [GlobalSetup(Target = nameof(BlockingCollection_bounded))]
    public void SetupCollection()
    {
        _counter = new Counter();
        _collection = new BlockingCollection<long>(RingBenchmarkKit.ChannelCapacity);
        _collectionConsumer = RingBenchmarkKit.Pump(_collection, [], _counter, "bc-consumer");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _graph?.Dispose();
        _channel?.Writer.TryComplete();
        _channelConsumer?.Wait();
        _collection?.CompleteAdding();
        _collectionConsumer?.Join();
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_batched_yielding() => RingBenchmarkKit.WaitUntil(_consumer, RingBenchmarkKit.PublishBatched(_ring, Events));

    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_batched_backoff() => RingBenchmarkKit.WaitUntil(_consumer, RingBenchmarkKit.PublishBatched(_ring, Events));

    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_single_yielding() => RingBenchmarkKit.WaitUntil(_consumer, RingBenchmarkKit.PublishSingle(_ring, Events));

    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_single_backoff() => RingBenchmarkKit.WaitUntil(_consumer, RingBenchmarkKit.PublishSingle(_ring, Events));

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public async Task Channel_bounded_spsc()
    {
        var target = _counter.Count + Events;
        var writer = _channel.Writer;
        for (var i = 0L; i < Events; i++)
        {
            await RingBenchmarkKit.WriteAsync(writer, i).ConfigureAwait(false);
        }

        _counter.WaitFor(target);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void BlockingCollection_bounded()
    {
        var target = _counter.Count + Events;
        for (var i = 0L; i < Events; i++)
        {
            _collection.Add(i);
        }

        _counter.WaitFor(target);
    }
}
