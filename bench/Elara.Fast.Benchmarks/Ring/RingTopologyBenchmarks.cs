using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Elara.Fast.Ring;

namespace Elara.Fast.Benchmarks.Ring;

/// <summary>
/// The other shapes, each against its bounded <see cref="Channel"/> and <see cref="BlockingCollection{T}"/> equivalent
/// in the same run: 3 producers → 1 consumer; 1 producer → 3-stage pipeline; diamond (A → {B, C} → D). Rings use
/// the default backoff strategy; each invocation moves <see cref="Events"/> events through the whole shape.
/// </summary>
[MemoryDiagnoser]
public class RingTopologyBenchmarks
{
    public const int Events = 3 << 18;
    private const int Producers = 3;

    private RingBuffer<long> _ring = null!;
    private EventGraph<long> _graph = null!;
    private Sequence _end = null!;
    private Thread[] _producerThreads = [];
    private SemaphoreSlim _go = null!;
    private SemaphoreSlim _producersDone = null!;
    private volatile bool _stopping;

    private Channel<long>[] _channels = [];
    private Task[] _channelPumps = [];
    private BlockingCollection<long>[] _collections = [];
    private Thread[] _collectionPumps = [];
    private Counter _counter = null!;

    [GlobalSetup(Target = nameof(Ring_3P_to_1C))]
    public void SetupRingMultiProducer()
    {
        _ring = RingBuffer<long>.CreateMultiProducer(RingBenchmarkKit.RingSize, new BackoffWaitStrategy());
        _graph = _ring.HandleEventsWith(default(SumHandler)).Start();
        _end = _graph.GetStage(0).Processors[0].Sequence;
        StartProducers(() => RingBenchmarkKit.PublishBatched(_ring, Events / Producers));
    }

    [GlobalSetup(Target = nameof(Channel_3P_to_1C))]
    public void SetupChannelMultiProducer()
    {
        _counter = new Counter();
        _channels = [RingBenchmarkKit.BoundedChannel(singleWriter: false)];
        _channelPumps = [Task.Run(() => RingBenchmarkKit.PumpAsync(_channels[0].Reader, [], _counter))];
        StartProducers(() =>
        {
            var writer = _channels[0].Writer;
            for (var i = 0L; i < Events / Producers; i++)
            {
                RingBenchmarkKit.WriteAsync(writer, i).AsTask().Wait();
            }
        });
    }

    [GlobalSetup(Target = nameof(BlockingCollection_3P_to_1C))]
    public void SetupCollectionMultiProducer()
    {
        _counter = new Counter();
        _collections = [new BlockingCollection<long>(RingBenchmarkKit.ChannelCapacity)];
        _collectionPumps = [RingBenchmarkKit.Pump(_collections[0], [], _counter, "bc-consumer")];
        StartProducers(() =>
        {
            for (var i = 0L; i < Events / Producers; i++)
            {
                _collections[0].Add(i);
            }
        });
    }

    [GlobalSetup(Target = nameof(Ring_pipeline_3_stages))]
    public void SetupRingPipeline()
    {
        _ring = new RingBuffer<long>(RingBenchmarkKit.RingSize, ProducerType.Single, new BackoffWaitStrategy());
        var last = _ring.HandleEventsWith(default(IncrementHandler)).Then(default(IncrementHandler)).Then(default(SumHandler));
        _graph = last.Start();
        _end = last.Processors[0].Sequence;
    }

    [GlobalSetup(Target = nameof(Channel_pipeline_3_stages))]
    public void SetupChannelPipeline()
    {
        _counter = new Counter();
        var unused = new Counter();
        _channels = [RingBenchmarkKit.BoundedChannel(true), RingBenchmarkKit.BoundedChannel(true), RingBenchmarkKit.BoundedChannel(true)];
        _channelPumps =
        [
            Task.Run(() => RingBenchmarkKit.PumpAsync(_channels[0].Reader, [_channels[1].Writer], unused)),
            Task.Run(() => RingBenchmarkKit.PumpAsync(_channels[1].Reader, [_channels[2].Writer], new Counter())),
            Task.Run(() => RingBenchmarkKit.PumpAsync(_channels[2].Reader, [], _counter)),
        ];
    }

    [GlobalSetup(Target = nameof(BlockingCollection_pipeline_3_stages))]
    public void SetupCollectionPipeline()
    {
        _counter = new Counter();
        _collections = [new(RingBenchmarkKit.ChannelCapacity), new(RingBenchmarkKit.ChannelCapacity), new(RingBenchmarkKit.ChannelCapacity)];
        _collectionPumps =
        [
            RingBenchmarkKit.Pump(_collections[0], [_collections[1]], new Counter(), "bc-1"),
            RingBenchmarkKit.Pump(_collections[1], [_collections[2]], new Counter(), "bc-2"),
            RingBenchmarkKit.Pump(_collections[2], [], _counter, "bc-3"),
        ];
    }

    [GlobalSetup(Target = nameof(Ring_diamond))]
    public void SetupRingDiamond()
    {
        _ring = new RingBuffer<long>(RingBenchmarkKit.RingSize, ProducerType.Single, new BackoffWaitStrategy());
        var last = _ring.HandleEventsWith(default(IncrementHandler)).Then(default(ReadHandler), default(ReadHandler)).Then(default(SumHandler));
        _graph = last.Start();
        _end = last.Processors[0].Sequence;
    }

    [GlobalSetup(Target = nameof(Channel_diamond))]
    public void SetupChannelDiamond()
    {
        // A forwards to B's and C's channels; B and C forward into D's channel (D sees every event twice, once per branch).
        _counter = new Counter();
        _channels = [RingBenchmarkKit.BoundedChannel(true), RingBenchmarkKit.BoundedChannel(true), RingBenchmarkKit.BoundedChannel(true), RingBenchmarkKit.BoundedChannel(false)];
        _channelPumps =
        [
            Task.Run(() => RingBenchmarkKit.PumpAsync(_channels[0].Reader, [_channels[1].Writer, _channels[2].Writer], new Counter())),
            Task.Run(() => RingBenchmarkKit.PumpAsync(_channels[1].Reader, [_channels[3].Writer], new Counter())),
            Task.Run(() => RingBenchmarkKit.PumpAsync(_channels[2].Reader, [_channels[3].Writer], new Counter())),
            Task.Run(() => RingBenchmarkKit.PumpAsync(_channels[3].Reader, [], _counter)),
        ];
    }

    [GlobalSetup(Target = nameof(BlockingCollection_diamond))]
    public void SetupCollectionDiamond()
    {
        _counter = new Counter();
        _collections = [new(RingBenchmarkKit.ChannelCapacity), new(RingBenchmarkKit.ChannelCapacity), new(RingBenchmarkKit.ChannelCapacity), new(RingBenchmarkKit.ChannelCapacity)];
        _collectionPumps =
        [
            RingBenchmarkKit.Pump(_collections[0], [_collections[1], _collections[2]], new Counter(), "bc-a"),
            RingBenchmarkKit.Pump(_collections[1], [_collections[3]], new Counter(), "bc-b"),
            RingBenchmarkKit.Pump(_collections[2], [_collections[3]], new Counter(), "bc-c"),
            RingBenchmarkKit.Pump(_collections[3], [], _counter, "bc-d"),
        ];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        _go?.Release(_producerThreads.Length);
        foreach (var thread in _producerThreads)
        {
            thread.Join();
        }

        _graph?.Dispose();

        // Upstream first, and wait for each stage to finish before closing the one it feeds: closing all at once
        // makes a pump still forwarding throw on its own thread (and take an in-process run down with it).
        for (var i = 0; i < _channels.Length; i++)
        {
            _channels[i].Writer.TryComplete();
            _channelPumps[i].Wait();
        }

        for (var i = 0; i < _collections.Length; i++)
        {
            _collections[i].CompleteAdding();
            _collectionPumps[i].Join();
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_3P_to_1C()
    {
        var target = _end.Value + Events;
        RunProducers();
        RingBenchmarkKit.WaitUntil(_end, target);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void Channel_3P_to_1C()
    {
        var target = _counter.Count + Events;
        RunProducers();
        _counter.WaitFor(target);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void BlockingCollection_3P_to_1C()
    {
        var target = _counter.Count + Events;
        RunProducers();
        _counter.WaitFor(target);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_pipeline_3_stages() => RingBenchmarkKit.WaitUntil(_end, RingBenchmarkKit.PublishBatched(_ring, Events));

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task Channel_pipeline_3_stages() => await WriteAllAsync(1).ConfigureAwait(false);

    [Benchmark(OperationsPerInvoke = Events)]
    public void BlockingCollection_pipeline_3_stages() => AddAll(1);

    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_diamond() => RingBenchmarkKit.WaitUntil(_end, RingBenchmarkKit.PublishBatched(_ring, Events));

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task Channel_diamond() => await WriteAllAsync(2).ConfigureAwait(false);

    [Benchmark(OperationsPerInvoke = Events)]
    public void BlockingCollection_diamond() => AddAll(2);

    private async Task WriteAllAsync(int arrivalsPerEvent)
    {
        var target = _counter.Count + ((long)Events * arrivalsPerEvent);
        var writer = _channels[0].Writer;
        for (var i = 0L; i < Events; i++)
        {
            await RingBenchmarkKit.WriteAsync(writer, i).ConfigureAwait(false);
        }

        _counter.WaitFor(target);
    }

    private void AddAll(int arrivalsPerEvent)
    {
        var target = _counter.Count + ((long)Events * arrivalsPerEvent);
        for (var i = 0L; i < Events; i++)
        {
            _collections[0].Add(i);
        }

        _counter.WaitFor(target);
    }

    private void StartProducers(Action produce)
    {
        _go = new SemaphoreSlim(0);
        _producersDone = new SemaphoreSlim(0);
        _producerThreads = new Thread[Producers];
        for (var p = 0; p < Producers; p++)
        {
            _producerThreads[p] = new Thread(() =>
            {
                while (true)
                {
                    _go.Wait();
                    if (_stopping)
                    {
                        return;
                    }

                    produce();
                    _producersDone.Release();
                }
            }) { IsBackground = true, Name = $"bench-producer-{p}" };
            _producerThreads[p].Start();
        }
    }

    private void RunProducers()
    {
        _go.Release(Producers);
        for (var p = 0; p < Producers; p++)
        {
            _producersDone.Wait();
        }
    }
}
