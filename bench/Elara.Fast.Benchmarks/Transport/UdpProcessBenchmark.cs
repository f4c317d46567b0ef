using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Elara.Fast.Ring;
using Elara.Fast.Transport;

namespace Elara.Fast.Benchmarks.Transport;

/// <summary>
/// Whole-process UDP receivers and senders for bench/udp-ingress.sh (not BenchmarkDotNet: the kernel, the sender
/// and the receiver run as separate pinned processes). Output lines mirror native/udp-sink and udp-blast:
/// <code>
/// Elara.Fast.Benchmarks ingress --mode recvmmsg|portable|portable-eventargs|async|blocking --port P [--bind ADDR] [--count N] [--idle-ms MS] [--outstanding N]
/// Elara.Fast.Benchmarks egress  --mode recvmmsg|portable|blocking|async --dest ADDR --port P [--count N] [--size B]
/// </code>
/// CPU, GC collections and allocated bytes are measured from the first datagram to the end (the idle tail parks).
/// </summary>
public static class UdpProcessBenchmark
{
    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "ingress" or "egress";

    public static int Run(string[] args)
    {
        var options = Parse(args.AsSpan(1));
        return args[0] == "ingress" ? Ingress(options) : Egress(options);
    }

    private static Dictionary<string, string> Parse(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return options;
    }

    private static string Get(Dictionary<string, string> options, string name, string fallback) =>
        options.TryGetValue(name, out var value) ? value : fallback;

    private static long GetLong(Dictionary<string, string> options, string name, long fallback) =>
        options.TryGetValue(name, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static int Ingress(Dictionary<string, string> options)
    {
        var mode = Get(options, "mode", "recvmmsg");
        var bind = new IPEndPoint(IPAddress.Parse(Get(options, "bind", "127.0.0.1")), (int)GetLong(options, "port", 39500));
        var expected = GetLong(options, "count", 1_000_000);
        var idle = TimeSpan.FromMilliseconds(GetLong(options, "idle-ms", 1000));
        using IReceiver receiver = mode switch
        {
            "recvmmsg" => new RingReceiver(new SocketTransportOptions { BindEndPoint = bind, Mode = SocketTransportMode.LinuxKernelBatch }),
            "portable" => new RingReceiver(new SocketTransportOptions { BindEndPoint = bind, Mode = SocketTransportMode.Portable }),
            "portable-eventargs" => new RingReceiver(new SocketTransportOptions
            {
                BindEndPoint = bind,
                Mode = SocketTransportMode.Portable,
                PortableReceive = PortableReceiveModel.PostedEventArgs,
                OutstandingReceives = (int)GetLong(options, "outstanding", new SocketTransportOptions().OutstandingReceives),
            }),
            "blocking" => new BlockingReceiver(bind),
            "async" => new AsyncReceiver(bind),
            _ => throw new ArgumentException($"unknown mode {mode}"),
        };

        WarmUp(receiver, bind);
        Console.Error.WriteLine("ingress ready");
        var meter = new Meter();
        var received = receiver.Receive(expected, idle, meter);
        meter.Stop();
        var loss = expected > 0 ? 100.0 * (expected - received) / expected : 0;
        Console.WriteLine(FormattableString.Invariant(
            $"ingress mode={mode} received={received} expected={expected} loss_pct={loss:F3} seconds={meter.Seconds:F3} pps={received / meter.Seconds:F0} cpu_us={meter.CpuMicroseconds:F0} cpu_us_per_pkt={meter.CpuMicroseconds / Math.Max(1, received):F3} user_us_per_pkt={meter.UserMicroseconds / Math.Max(1, received):F3} gc0={meter.Gen0} gc1={meter.Gen1} gc2={meter.Gen2} allocated_bytes={meter.Allocated} {receiver.Describe()}"));
        return 0;
    }

    /// <summary>
    /// Runs the receive loop over 2 × 100 000 local datagrams before the measured run, with a pause after each for
    /// the tier-1 JIT (tier-0 and OSR code halves some figures: PERFORMANCE.md).
    /// </summary>
    private static void WarmUp(IReceiver receiver, IPEndPoint bind)
    {
        const int count = 100_000;
        for (var round = 0; round < 2; round++)
        {
            var sender = new Thread(() =>
            {
                using var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                var target = bind.Serialize();
                var frame = new byte[200];
                frame[2] = 30;
                frame[1] = WarmUpMarker;
                for (var i = 0; i < count; i++)
                {
                    socket.SendTo(frame, SocketFlags.None, target);
                    if ((i & 31) == 31)
                    {
                        Thread.Yield();
                    }
                }
            });
            sender.Start();
            receiver.Receive(count, TimeSpan.FromMilliseconds(300), meter: null);
            sender.Join();
            Thread.Sleep(500);
        }

        receiver.Reset();
    }

    /// <summary>Byte 1 of warm-up datagrams (udp-blast sends 0xA5 there): late warm-up datagrams are not counted.</summary>
    private const byte WarmUpMarker = 0x5A;

    private interface IReceiver : IDisposable
    {
        /// <summary>Receives until <paramref name="count"/> datagrams arrived or none for <paramref name="idle"/>.</summary>
        long Receive(long count, TimeSpan idle, Meter? meter);

        void Reset();

        string Describe();
    }

    private sealed class RingReceiver : IReceiver
    {
        /// <summary>Ring slots; ELARA_BENCH_RING overrides the 32 768 default (to study cache effects).</summary>
        private static readonly int RingSize = int.TryParse(Environment.GetEnvironmentVariable("ELARA_BENCH_RING"), out var size) ? size : 1 << 15;

        private readonly IDatagramTransport _transport;
        private readonly IngressPoller _poller;
        private long _ringFullAtReset;
        private long _batchesAtReset;
        private long _receivedAtReset;

        public RingReceiver(SocketTransportOptions options)
        {
            _transport = DatagramTransport.Create(options);
            // Sleeping consumer: producers never signal, and the consumer costs ≈ one wake-up per millisecond when idle.
            var ring = new IngressRing(RingSize, 1500, new SleepingWaitStrategy());
            _poller = new IngressPoller(ring);
            _transport.Start(ring);
        }

        public long Receive(long count, TimeSpan idle, Meter? meter)
        {
            var handler = new CountingHandler { Counting = meter is null };
            var lastArrival = Stopwatch.GetTimestamp();
            while (handler.Count < count)
            {
                var before = handler.Count;
                var handled = _poller.Poll(ref handler);
                var now = Stopwatch.GetTimestamp();
                if (handled > 0)
                {
                    if (before == 0)
                    {
                        meter?.Start();
                    }

                    lastArrival = now;
                }
                else if (Stopwatch.GetElapsedTime(lastArrival, now) > idle && (handler.Count > 0 || meter is null))
                {
                    break;
                }

                if (handled < 1024)
                {
                    Thread.Sleep(1);
                }
            }

            meter?.Stop(lastArrival);
            return handler.Count;
        }

        public void Reset()
        {
            var counters = _transport.Counters;
            _ringFullAtReset = counters.Dropped(DropReason.RingFull);
            _batchesAtReset = counters.ReceiveBatches;
            _receivedAtReset = counters.Received;
        }

        public string Describe()
        {
            var counters = _transport.Counters;
            var batches = counters.ReceiveBatches - _batchesAtReset;
            return FormattableString.Invariant(
                $"ring_full={counters.Dropped(DropReason.RingFull) - _ringFullAtReset} batches={batches} mean_batch={(counters.Received - _receivedAtReset) / (double)Math.Max(1, batches):F1}");
        }

        public void Dispose() => _transport.Dispose();
    }

    private sealed class BlockingReceiver(IPEndPoint bind) : IReceiver
    {
        private readonly Socket _socket = Bound(bind);
        private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(2048, pinned: true);
        private readonly SocketAddress _source = new(bind.AddressFamily);

        public long Receive(long count, TimeSpan idle, Meter? meter)
        {
            _socket.ReceiveTimeout = (int)idle.TotalMilliseconds;
            long received = 0;
            var last = Stopwatch.GetTimestamp();
            while (received < count)
            {
                try
                {
                    if (_socket.ReceiveFrom(_buffer, SocketFlags.None, _source) > 1 && _buffer[1] == WarmUpMarker && meter is not null)
                    {
                        continue;
                    }
                }
                catch (SocketException exception) when (exception.SocketErrorCode == SocketError.TimedOut)
                {
                    if (received > 0 || meter is null)
                    {
                        break;
                    }

                    continue;
                }

                if (received++ == 0)
                {
                    meter?.Start();
                }

                last = Stopwatch.GetTimestamp();
            }

            meter?.Stop(last);
            return received;
        }

        public void Reset()
        {
        }

        public string Describe() => string.Empty;

        public void Dispose() => _socket.Dispose();
    }

    private sealed class AsyncReceiver(IPEndPoint bind) : IReceiver
    {
        private readonly Socket _socket = Bound(bind);
        private readonly byte[] _buffer = new byte[2048];

        public long Receive(long count, TimeSpan idle, Meter? meter) => ReceiveAsync(count, idle, meter).GetAwaiter().GetResult();

        public void Reset()
        {
        }

        public string Describe() => string.Empty;

        public void Dispose() => _socket.Dispose();

        private async Task<long> ReceiveAsync(long count, TimeSpan idle, Meter? meter)
        {
            // What most C# code does: await ReceiveFromAsync with an EndPoint, a fresh result per datagram.
            EndPoint any = new IPEndPoint(IPAddress.Any, 0);
            long received = 0;
            var last = Stopwatch.GetTimestamp();
            using var idleCancel = new CancellationTokenSource();
            // The idle deadline cancels the pending receive from a timer.
            using var watchdog = new Timer(_ =>
            {
                if ((Volatile.Read(ref received) > 0 || meter is null) && Stopwatch.GetElapsedTime(Volatile.Read(ref last)) > idle)
                {
                    idleCancel.Cancel();
                }
            }, null, 100, 100);
            while (received < count)
            {
                try
                {
                    var result = await _socket.ReceiveFromAsync(_buffer, SocketFlags.None, any, idleCancel.Token).ConfigureAwait(false);
                    if (result.ReceivedBytes > 1 && _buffer[1] == WarmUpMarker && meter is not null)
                    {
                        continue;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                if (Interlocked.Increment(ref received) == 1)
                {
                    meter?.Start();
                }

                Volatile.Write(ref last, Stopwatch.GetTimestamp());
            }

            meter?.Stop(Volatile.Read(ref last));
            return received;
        }
    }

    private static int Egress(Dictionary<string, string> options)
    {
        var mode = Get(options, "mode", "recvmmsg");
        var destination = new IPEndPoint(IPAddress.Parse(Get(options, "dest", "127.0.0.1")), (int)GetLong(options, "port", 39500));
        var count = GetLong(options, "count", 1_000_000);
        var size = (int)GetLong(options, "size", 200);
        if (mode is "blocking" or "async")
        {
            return PlainEgress(mode, destination, count, size);
        }

        using var transport = DatagramTransport.Create(new SocketTransportOptions
        {
            BindEndPoint = new IPEndPoint(destination.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0),
            Mode = mode == "portable" ? SocketTransportMode.Portable : SocketTransportMode.LinuxKernelBatch,
            SendBufferSize = 4 << 20,
        });
        var egress = new EgressRing(1 << 14, 1500, new SleepingWaitStrategy());
        using var stage = new TransmitStage(egress, transport);
        var target = RawSocketAddress.FromEndPoint(destination, transport.AddressFamily);
        var frame = new byte[size];
        frame[2] = 30;
        stage.Start();
        var meter = new Meter();
        meter.Start();
        long full = 0;
        for (long i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(frame.AsSpan(8), i);
            while (!egress.TryEnqueue(frame, target))
            {
                // The producer outruns the kernel: wait for the Transmit stage (this is the benchmark's pacing). A
                // 1 ms sleep, not a yield: the ring holds > 30 ms of sending, so the stage never runs dry, and a
                // yield per frame would put one sched_yield per datagram of the producer into the stage's figure.
                full++;
                Thread.Sleep(1);
            }
        }

        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (transport.Counters.Sent + transport.Counters.Dropped(DropReason.SendFailed) < count && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Sleep(1);
        }

        meter.Stop();
        var sent = transport.Counters.Sent;
        Console.WriteLine(FormattableString.Invariant(
            $"egress mode={mode} sent={sent} seconds={meter.Seconds:F3} pps={sent / meter.Seconds:F0} cpu_us={meter.CpuMicroseconds:F0} cpu_us_per_pkt={meter.CpuMicroseconds / Math.Max(1, sent):F3} user_us_per_pkt={meter.UserMicroseconds / Math.Max(1, sent):F3} batches={transport.Counters.SendBatches} send_failed={transport.Counters.Dropped(DropReason.SendFailed)} producer_waits={full} gc0={meter.Gen0} allocated_bytes={meter.Allocated}"));
        return 0;
    }

    /// <summary>
    /// The plain .NET senders the portable Transmit stage is judged by: a blocking
    /// <c>SendTo(ReadOnlySpan, SocketFlags, SocketAddress)</c> loop on a dedicated thread, and the
    /// <c>await SendToAsync</c> loop most code writes. Same socket options, destination and payload as the stage.
    /// </summary>
    private static int PlainEgress(string mode, IPEndPoint destination, long count, int size)
    {
        using var socket = new Socket(destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 4 << 20 };
        socket.Bind(new IPEndPoint(destination.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
        var address = destination.Serialize();
        var frame = new byte[size];
        frame[2] = 30;
        long sent = 0, failed = 0;
        var meter = new Meter();
        meter.Start();
        if (mode == "blocking")
        {
            var thread = new Thread(() =>
            {
                for (long i = 0; i < count; i++)
                {
                    BitConverter.TryWriteBytes(frame.AsSpan(8), i);
                    try
                    {
                        socket.SendTo(frame, SocketFlags.None, address);
                        sent++;
                    }
                    catch (SocketException)
                    {
                        failed++;
                    }
                }
            }) { Name = "blocking-send" };
            thread.Start();
            thread.Join();
        }
        else
        {
            (sent, failed) = SendAsyncLoop(socket, address, frame, count).GetAwaiter().GetResult();
        }

        meter.Stop();
        Console.WriteLine(FormattableString.Invariant(
            $"egress mode={mode} sent={sent} seconds={meter.Seconds:F3} pps={sent / meter.Seconds:F0} cpu_us={meter.CpuMicroseconds:F0} cpu_us_per_pkt={meter.CpuMicroseconds / Math.Max(1, sent):F3} user_us_per_pkt={meter.UserMicroseconds / Math.Max(1, sent):F3} batches={sent} send_failed={failed} producer_waits=0 gc0={meter.Gen0} allocated_bytes={meter.Allocated}"));
        return 0;
    }

    private static async Task<(long Sent, long Failed)> SendAsyncLoop(Socket socket, SocketAddress address, byte[] frame, long count)
    {
        long sent = 0, failed = 0;
        for (long i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(frame.AsSpan(8), i);
            try
            {
                await socket.SendToAsync(frame, SocketFlags.None, address).ConfigureAwait(false);
                sent++;
            }
            catch (SocketException)
            {
                failed++;
            }
        }

        return (sent, failed);
    }

    private static Socket Bound(IPEndPoint bind)
    {
        var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
        socket.Bind(bind);
        return socket;
    }

    private struct CountingHandler : IReceivedDatagramHandler
    {
        public long Count;

        public void OnDatagram(ref ReceivedDatagram entry, ReadOnlySpan<byte> payload, long sequence)
        {
            if (payload[1] != WarmUpMarker || Counting)
            {
                Count++;
            }
        }

        /// <summary>During warm-up every datagram counts; afterwards late warm-up datagrams are ignored.</summary>
        public bool Counting;
    }

    /// <summary>Wall time, process CPU time, GC collections and allocated bytes between Start and Stop.</summary>
    private sealed class Meter
    {
        private long _startWall;
        private long _endWall;
        private TimeSpan _startCpu;
        private TimeSpan _endCpu;
        private TimeSpan _startUser;
        private TimeSpan _endUser;
        private int _gen0;
        private int _gen1;
        private int _gen2;
        private long _allocated;
        private bool _stopped;

        public string Extra { get; set; } = string.Empty;

        public double Seconds => Math.Max(1e-9, Stopwatch.GetElapsedTime(_startWall, _endWall).TotalSeconds);

        public double CpuMicroseconds => (_endCpu - _startCpu).TotalMicroseconds;

        /// <summary>User-mode CPU only: the process's own work, without the kernel's share of each receive.</summary>
        public double UserMicroseconds => (_endUser - _startUser).TotalMicroseconds;

        public int Gen0 => _gen0;

        public int Gen1 => _gen1;

        public int Gen2 => _gen2;

        public long Allocated => _allocated;

        public void Start()
        {
            var usage = Environment.CpuUsage;
            _startCpu = usage.TotalTime;
            _startUser = usage.UserTime;
            _startWall = Stopwatch.GetTimestamp();
            _gen0 = GC.CollectionCount(0);
            _gen1 = GC.CollectionCount(1);
            _gen2 = GC.CollectionCount(2);
            _allocated = GC.GetTotalAllocatedBytes(precise: false);
        }

        /// <summary>Ends the window; <paramref name="lastArrival"/> is the wall end (the idle tail costs no CPU).</summary>
        public void Stop(long lastArrival = 0)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            var usage = Environment.CpuUsage;
            _endCpu = usage.TotalTime;
            _endUser = usage.UserTime;
            _endWall = lastArrival != 0 ? lastArrival : Stopwatch.GetTimestamp();
            _gen0 = GC.CollectionCount(0) - _gen0;
            _gen1 = GC.CollectionCount(1) - _gen1;
            _gen2 = GC.CollectionCount(2) - _gen2;
            _allocated = GC.GetTotalAllocatedBytes(precise: false) - _allocated;
        }
    }
}
