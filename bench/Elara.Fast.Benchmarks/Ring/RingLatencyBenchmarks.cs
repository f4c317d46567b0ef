using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Elara.Fast.Ring;
using HdrHistogram;

namespace Elara.Fast.Benchmarks.Ring;

/// <summary>
/// Ping-pong between two threads through two rings: the benchmark thread publishes a timestamp into the ping ring
/// and waits (through a barrier, with the strategy under test) for the pong ring; a processor thread answers each
/// ping with a pong. Every round trip goes into an HdrHistogram; the cleanup prints p50/p99/p99.9 of the round trip
/// and of the one-way hand-off (half of it). The baseline is the same ping-pong over two bounded Channels.
/// </summary>
/// <remarks>The Mean column is the mean round trip. Percentiles are printed as "// RingLatency" lines and appended
/// to <c>$TMPDIR/elara-ring-latency.txt</c>. A 50 000-round-trip warm-up runs in the setup (tiered JIT).</remarks>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class RingLatencyBenchmarks
{
    public const int RoundTrips = 10_000;

    private RingBuffer<long> _ping = null!;
    private RingBuffer<long> _pong = null!;
    private SequenceBarrier _pongBarrier = null!;
    private Sequence _pongRead = null!;
    private EventGraph<long> _ponger = null!;
    private Channel<long> _pingChannel = null!;
    private Channel<long> _pongChannel = null!;
    private Task _channelPonger = null!;
    private LongHistogram _histogram = null!;

    [Params("BusySpin", "Yielding", "Backoff", "Blocking", "Channel")]
    public string Strategy { get; set; } = "Backoff";

    /// <summary>Answers every ping with a pong carrying the same timestamp.</summary>
    public readonly struct Ponger(RingBuffer<long> pong) : IEventHandler<long>
    {
        public void OnEvent(ref long entry, long sequence, bool endOfBatch)
        {
            var s = pong.Next();
            pong[s] = entry;
            pong.Publish(s);
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        _histogram = new LongHistogram(TimeSpan.FromSeconds(10).Ticks * 100, 3);
        if (Strategy == "Channel")
        {
            _pingChannel = Channel.CreateBounded<long>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
            _pongChannel = Channel.CreateBounded<long>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
            _channelPonger = Task.Run(async () =>
            {
                await foreach (var ping in _pingChannel.Reader.ReadAllAsync().ConfigureAwait(false))
                {
                    await _pongChannel.Writer.WriteAsync(ping).ConfigureAwait(false);
                }
            });
            for (var i = 0; i < 5; i++)
            {
                Channel_round_trips().GetAwaiter().GetResult();
            }
        }
        else
        {
            _ping = new RingBuffer<long>(1024, ProducerType.Single, RingBenchmarkKit.Strategy(Strategy));
            _pong = new RingBuffer<long>(1024, ProducerType.Single, RingBenchmarkKit.Strategy(Strategy));
            _pongRead = new Sequence();
            _pong.AddGatingSequences(_pongRead);
            _pongBarrier = _pong.NewBarrier();
            _ponger = _ping.HandleEventsWith(new Ponger(_pong)).Start();
            for (var i = 0; i < 5; i++)
            {
                Ring_round_trips();
            }
        }

        _histogram.Reset();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ponger?.Dispose();
        _pingChannel?.Writer.TryComplete();
        _channelPonger?.Wait();
        var line = string.Create(CultureInfo.InvariantCulture, $"// RingLatency {Strategy}: round trip p50 {Ns(50)} ns, p99 {Ns(99)} ns, p99.9 {Ns(99.9)} ns; one-way hand-off p50 {Ns(50) / 2} ns, p99 {Ns(99) / 2} ns, p99.9 {Ns(99.9) / 2} ns; max {Ns(100)} ns; n = {_histogram.TotalCount}");
        Console.WriteLine(line);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "elara-ring-latency.txt"), line + Environment.NewLine);
    }

    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public async Task PingPong()
    {
        if (Strategy == "Channel")
        {
            await Channel_round_trips().ConfigureAwait(false);
        }
        else
        {
            Ring_round_trips();
        }
    }

    private void Ring_round_trips()
    {
        var expected = _pongRead.Value;
        for (var i = 0; i < RoundTrips; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            var s = _ping.Next();
            _ping[s] = sent;
            _ping.Publish(s);
            expected++;
            _pongBarrier.WaitFor(expected);
            var rtt = Stopwatch.GetTimestamp() - _pong[expected];
            _pongRead.SetValue(expected);
            _histogram.RecordValue(rtt);
        }
    }

    private async Task Channel_round_trips()
    {
        for (var i = 0; i < RoundTrips; i++)
        {
            await _pingChannel.Writer.WriteAsync(Stopwatch.GetTimestamp()).ConfigureAwait(false);
            var sent = await _pongChannel.Reader.ReadAsync().ConfigureAwait(false);
            _histogram.RecordValue(Stopwatch.GetTimestamp() - sent);
        }
    }

    private long Ns(double percentile) => _histogram.GetValueAtPercentile(percentile) * 1_000_000_000L / Stopwatch.Frequency;
}
