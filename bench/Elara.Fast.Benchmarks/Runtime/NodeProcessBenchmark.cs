using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Elara.Fast.Primitives;
using Elara.Fast.Runtime;
using Elara.Fast.Sessions;
using Elara.Fast.Wire;
using HdrHistogram;
using LiteNetLib;

namespace Elara.Fast.Benchmarks.Runtime;

/// <summary>
/// Whole-process node benchmarks for bench/node-ingress.sh: a receiving node (transport → Open → Dispatch →
/// Apply → handler) fed by a sending node that seals every frame with real keys after a real IK handshake, and
/// LiteNetLib 2.1.5 (unreliable, unencrypted) side by side. Output is one line of key=value figures.
/// <code>
/// node-receive --port P --count N [--mode recvmmsg|portable] [--wait backoff|busyspin|yielding|blocking] --key-file F [--idle-ms MS]
/// node-send    --port P --count N [--mode recvmmsg|portable] [--wait …] --key-file F [--rate PPS] [--size B]
/// lnl-receive  --port P --count N [--idle-ms MS]
/// lnl-send     --port P --count N [--rate PPS] [--size B]
/// </code>
/// Receiver CPU, GC collections and allocated bytes are measured from the first frame to the last.
/// </summary>
public static class NodeProcessBenchmark
{
    private static readonly SessionId BenchSession = new(0x454C_4152_4142_454E);

    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "node-receive" or "node-send" or "lnl-receive" or "lnl-send";

    public static int Run(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return args[0] switch
        {
            "node-receive" => NodeReceive(options).GetAwaiter().GetResult(),
            "node-send" => NodeSend(options).GetAwaiter().GetResult(),
            "lnl-receive" => LiteNetLibReceive(options),
            _ => LiteNetLibSend(options),
        };
    }

    private static string Get(Dictionary<string, string> o, string name, string fallback) => o.TryGetValue(name, out var v) ? v : fallback;

    private static long GetLong(Dictionary<string, string> o, string name, long fallback) =>
        o.TryGetValue(name, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>
    /// The pipeline's capacity is what is measured, so the degradation controller is set never to step in (a
    /// saturating sender's own egress backlog inflates its RTT and would shed the very frames being counted).
    /// </summary>
    private static readonly DegradationConfig Unlimited = new()
    {
        IngressOccupancy = [0.95, 0.96, 0.97, 0.98, 0.99],
        EgressOccupancy = [0.95, 0.96, 0.97, 0.98, 0.99],
        PeerLoss = [0.95, 0.96, 0.97, 0.98, 0.99],
        PeerRoundTrip = [TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(61), TimeSpan.FromSeconds(62), TimeSpan.FromSeconds(63), TimeSpan.FromSeconds(64)],
        HighWaterMark = 0.95,
    };

    private static NodeTransportMode Mode(Dictionary<string, string> o) =>
        Get(o, "mode", "recvmmsg") == "portable" ? NodeTransportMode.Portable : NodeTransportMode.LinuxKernelBatch;

    private static async Task<int> NodeReceive(Dictionary<string, string> o)
    {
        var port = (int)GetLong(o, "port", 39600);
        var expected = GetLong(o, "count", 1_000_000);
        var idle = TimeSpan.FromMilliseconds(GetLong(o, "idle-ms", 1500));
        await using var node = await Node.CreateAsync(new NodeConfig
        {
            BindAddress = new IPEndPoint(IPAddress.Loopback, port),
            Transport = Mode(o),
            WaitStrategy = Enum.Parse<NodeWaitStrategy>(Get(o, "wait", nameof(NodeWaitStrategy.Backoff)), ignoreCase: true),
            EventBufferSize = (int)GetLong(o, "ring", 8192),
            PeerTimeout = TimeSpan.FromSeconds(30),
            Degradation = Unlimited,
        });
        var counter = new CountingHandler(node);
        node.SetFrameHandler(counter);
        await node.CreateSessionAsync(BenchSession);
        await File.WriteAllTextAsync(Get(o, "key-file", "/tmp/elara-bench.key"), Convert.ToHexString(node.Identity.NoiseStaticPublicKey));
        await Console.Error.WriteLineAsync("node-receive ready");

        // Wait for the first frame, then until the count is reached or the stream stops for `idle`.
        while (Volatile.Read(ref counter.Count) == 0)
        {
            counter.Progress.Wait(1000);
            counter.Progress.Reset();
        }

        var last = -1L;
        var lastChange = Stopwatch.GetTimestamp();
        while (true)
        {
            var now = Volatile.Read(ref counter.Count);
            if (now >= expected)
            {
                break;
            }

            if (now != last)
            {
                last = now;
                lastChange = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastChange) > idle)
            {
                break;
            }

            counter.Progress.Wait(100);
            counter.Progress.Reset();
        }

        var meter = counter.Meter;
        meter.Stop(counter.LastTimestamp);
        var received = Volatile.Read(ref counter.Count);
        var h = counter.Latency;
        var drops = node.Counters.DroppedTotal;
        Console.WriteLine(FormattableString.Invariant(
            $"node-receive mode={Get(o, "mode", "recvmmsg")} wait={Get(o, "wait", "backoff")} received={received} expected={expected} loss_pct={100.0 * (expected - received) / expected:F3} seconds={meter.Seconds:F3} pps={received / meter.Seconds:F0} cpu_us_per_pkt={meter.CpuMicroseconds / Math.Max(1, received):F3} gc0={meter.Gen0} gc1={meter.Gen1} gc2={meter.Gen2} allocated_bytes={meter.Allocated} bytes_per_frame={meter.Allocated / (double)Math.Max(1, received):F4} p50_us={h.GetValueAtPercentile(50) / 1000.0:F1} p99_us={h.GetValueAtPercentile(99) / 1000.0:F1} p999_us={h.GetValueAtPercentile(99.9) / 1000.0:F1} node_drops={drops} transport_drops={node.TransportCounters.DroppedTotal} transport_received={node.TransportCounters.Received} datagrams={node.Counters.Datagrams} perceptual_in={node.Counters.GetFramesIn(PacketClass.Perceptual)}"));
        return 0;
    }

    private static async Task<int> NodeSend(Dictionary<string, string> o)
    {
        var port = (int)GetLong(o, "port", 39600);
        var count = GetLong(o, "count", 1_000_000);
        var rate = GetLong(o, "rate", 0);
        var size = (int)GetLong(o, "size", 200);
        var key = Convert.FromHexString((await File.ReadAllTextAsync(Get(o, "key-file", "/tmp/elara-bench.key"))).Trim());
        await using var node = await Node.CreateAsync(new NodeConfig
        {
            BindAddress = new IPEndPoint(IPAddress.Loopback, 0),
            Transport = Mode(o),
            WaitStrategy = Enum.Parse<NodeWaitStrategy>(Get(o, "wait", nameof(NodeWaitStrategy.Backoff)), ignoreCase: true),
            EventBufferSize = (int)GetLong(o, "ring", 8192),
            PeerTimeout = TimeSpan.FromSeconds(30),
            Degradation = Unlimited,
        });
        var session = await node.JoinAsync(BenchSession, new IPEndPoint(IPAddress.Loopback, port), key);

        // One event block filling a frame of `size` bytes: header 30 + block + tag 16.
        var blockBody = size - FrameLayout.HeaderSize - FrameLayout.TagSize - EventBlock.FixedSize - 3;
        var payload = new byte[size];
        var writer = new EventBlockWriter(payload);
        writer.TryAppend(EventType.VoiceFrame, new StateId(1), default, Mutation.Set(new byte[blockBody]));
        var blocks = writer.Written.ToArray();

        var ringSize = (int)GetLong(o, "ring", 8192);
        var start = Stopwatch.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        long sent = 0, full = 0;
        var ticksPerFrame = rate > 0 ? Stopwatch.Frequency / (double)rate : 0;
        while (sent < count)
        {
            if (rate > 0)
            {
                var due = start + (long)(sent * ticksPerFrame);
                while (Stopwatch.GetTimestamp() < due)
                {
                    Thread.SpinWait(20);
                }
            }

            // Flow control as an embedder would do it: keep the egress backlog under half the ring, so the node's
            // own controller (egress occupancy) never sheds the frames being counted.
            while (node.EgressLag > ringSize / 2)
            {
                Thread.Yield();
            }

            var status = session.TrySend(PacketClass.Perceptual, RepresentationProfile.VoiceStandard, blocks);
            if (status == SendStatus.Sent)
            {
                sent++;
            }
            else
            {
                full++;
                Thread.Yield(); // back-pressure from the egress ring: the Transmit stage (same core) is the sender's ceiling
            }
        }

        var drainUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (node.EgressLag > 0 && Stopwatch.GetTimestamp() < drainUntil)
        {
            Thread.Sleep(1);
        }

        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpuUs = (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds;
        Console.WriteLine(FormattableString.Invariant(
            $"node-send sent={sent} seconds={seconds:F3} pps={sent / seconds:F0} cpu_us_per_pkt={cpuUs / Math.Max(1, sent):F3} ring_full_retries={full} frame_bytes={FrameLayout.HeaderSize + blocks.Length + FrameLayout.TagSize} transport_sent={node.TransportCounters.Sent} transport_drops={node.TransportCounters.DroppedTotal} egress_full={node.Counters.EgressFull} seal_failures={node.SealFailures} shed={node.Counters.SendsShed} frames_out={node.Counters.GetFramesOut(PacketClass.Perceptual)}"));
        return 0;
    }

    private static int LiteNetLibReceive(Dictionary<string, string> o)
    {
        var port = (int)GetLong(o, "port", 39600);
        var expected = GetLong(o, "count", 1_000_000);
        var idle = TimeSpan.FromMilliseconds(GetLong(o, "idle-ms", 1500));
        var listener = new EventBasedNetListener();
        var manager = new NetManager(listener) { UnsyncedEvents = true, AutoRecycle = true };
        var meter = new ProcessMeter();
        long received = 0, lastAt = 0;
        using var progress = new ManualResetEventSlim();
        listener.ConnectionRequestEvent += request => request.AcceptIfKey("elara-bench");
        listener.NetworkReceiveEvent += (_, _, _, _) =>
        {
            if (received == 0)
            {
                meter.Start();
            }

            received++;
            lastAt = Stopwatch.GetTimestamp();
            if ((received & 0x3FFF) == 0 || received == expected)
            {
                progress.Set();
            }
        };
        manager.Start(IPAddress.Loopback, IPAddress.IPv6None, port);
        Console.Error.WriteLine("lnl-receive ready");
        while (Volatile.Read(ref received) == 0)
        {
            progress.Wait(100);
        }

        long last = -1;
        var lastChange = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref received) < expected)
        {
            var now = Volatile.Read(ref received);
            if (now != last)
            {
                last = now;
                lastChange = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastChange) > idle)
            {
                break;
            }

            progress.Wait(100);
            progress.Reset();
        }

        meter.Stop(Volatile.Read(ref lastAt));
        manager.Stop();
        Console.WriteLine(FormattableString.Invariant(
            $"lnl-receive received={received} expected={expected} loss_pct={100.0 * (expected - received) / expected:F3} seconds={meter.Seconds:F3} pps={received / meter.Seconds:F0} cpu_us_per_pkt={meter.CpuMicroseconds / Math.Max(1, received):F3} gc0={meter.Gen0} gc1={meter.Gen1} gc2={meter.Gen2} allocated_bytes={meter.Allocated} bytes_per_frame={meter.Allocated / (double)Math.Max(1, received):F4}"));
        return 0;
    }

    private static int LiteNetLibSend(Dictionary<string, string> o)
    {
        var port = (int)GetLong(o, "port", 39600);
        var count = GetLong(o, "count", 1_000_000);
        var rate = GetLong(o, "rate", 0);
        var size = (int)GetLong(o, "size", 200);
        var listener = new EventBasedNetListener();
        var manager = new NetManager(listener) { UnsyncedEvents = true, AutoRecycle = true };
        using var connected = new ManualResetEventSlim();
        listener.PeerConnectedEvent += _ => connected.Set();
        manager.Start();
        var peer = manager.Connect("127.0.0.1", port, "elara-bench");
        if (!connected.Wait(TimeSpan.FromSeconds(10)))
        {
            Console.WriteLine("lnl-send error=not-connected");
            return 1;
        }

        // The same application bytes as the node's frame carries (the node adds its 46 bytes of header and tag).
        var message = new byte[size - FrameLayout.HeaderSize - FrameLayout.TagSize];
        var start = Stopwatch.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var ticksPerFrame = rate > 0 ? Stopwatch.Frequency / (double)rate : 0;
        for (long sent = 0; sent < count; sent++)
        {
            if (rate > 0)
            {
                var due = start + (long)(sent * ticksPerFrame);
                while (Stopwatch.GetTimestamp() < due)
                {
                    Thread.SpinWait(20);
                }
            }

            BinaryPrimitives.WriteInt64LittleEndian(message, sent);
            peer.Send(message, DeliveryMethod.Unreliable);
        }

        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpuUs = (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Thread.Sleep(500); // let the library's logic thread flush its merged datagrams
        manager.Stop();
        Console.WriteLine(FormattableString.Invariant(
            $"lnl-send sent={count} seconds={seconds:F3} pps={count / seconds:F0} cpu_us_per_pkt={cpuUs / Math.Max(1, count):F3} allocated_bytes_per_send={bytes / (double)count:F1} message_bytes={message.Length}"));
        return 0;
    }

    /// <summary>Counts frames on the Apply thread and records receive-to-handler latency; allocates nothing per frame.</summary>
    private sealed class CountingHandler(Node node) : IFrameHandler
    {
        public long Count;
        public long LastTimestamp;

        public ManualResetEventSlim Progress { get; } = new();

        public ProcessMeter Meter { get; } = new();

        public LongHistogram Latency { get; } = new(TimeSpan.TicksPerSecond * 10, 3); // nanoseconds up to 10 s

        public void OnEvents(Session session, Participant sender, PacketClass packetClass, ReadOnlySpan<byte> eventBlocks)
        {
            var now = Stopwatch.GetTimestamp();
            if (Count == 0)
            {
                Meter.Start();
            }

            var received = node.CurrentReceiveTimestamp;
            if (received > 0 && now >= received)
            {
                Latency.RecordValue((now - received) * 1_000_000_000L / Stopwatch.Frequency);
            }

            LastTimestamp = now;
            Volatile.Write(ref Count, Count + 1);
            if ((Count & 0x3FFF) == 0)
            {
                Progress.Set();
            }
        }
    }

    /// <summary>Process CPU, GC and allocation between two points.</summary>
    private sealed class ProcessMeter
    {
        private long _startWall;
        private long _endWall;
        private TimeSpan _startCpu;
        private TimeSpan _endCpu;
        private int _gen0, _gen1, _gen2;
        private long _allocated;

        public double Seconds => Math.Max(1e-9, Stopwatch.GetElapsedTime(_startWall, _endWall).TotalSeconds);

        public double CpuMicroseconds => (_endCpu - _startCpu).TotalMicroseconds;

        public int Gen0 => _gen0;

        public int Gen1 => _gen1;

        public int Gen2 => _gen2;

        public long Allocated => _allocated;

        public void Start()
        {
            _startCpu = Environment.CpuUsage.TotalTime;
            _startWall = Stopwatch.GetTimestamp();
            _gen0 = GC.CollectionCount(0);
            _gen1 = GC.CollectionCount(1);
            _gen2 = GC.CollectionCount(2);
            _allocated = GC.GetTotalAllocatedBytes(precise: false);
        }

        /// <summary>Stops at <paramref name="lastFrame"/> for wall time; CPU is read now (the idle tail after it parks and costs little).</summary>
        public void Stop(long lastFrame)
        {
            _endWall = lastFrame > _startWall ? lastFrame : Stopwatch.GetTimestamp();
            _endCpu = Environment.CpuUsage.TotalTime;
            _gen0 = GC.CollectionCount(0) - _gen0;
            _gen1 = GC.CollectionCount(1) - _gen1;
            _gen2 = GC.CollectionCount(2) - _gen2;
            _allocated = GC.GetTotalAllocatedBytes(precise: false) - _allocated;
        }
    }
}
