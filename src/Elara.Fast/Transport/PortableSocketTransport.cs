using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace Elara.Fast.Transport;

/// <summary>
/// The portable path: plain <see cref="Socket"/> calls that every platform has, in one of two receive models
/// (<see cref="SocketTransportOptions.PortableReceive"/>).
/// </summary>
/// <remarks>
/// <para><see cref="PortableReceiveModel.BlockingThread"/> (the default except on Windows): one thread per socket
/// blocks in <c>ReceiveFrom(Span, SocketFlags, SocketAddress)</c> into a 64 KiB scratch buffer, so nothing is ever
/// truncated by the socket; a kept datagram is copied into a slot claimed on arrival (a ≤ 1500 B copy against a
/// system call of ≈ 2 µs here). One system call per datagram, which is what a .NET program can do without
/// <c>recvmmsg</c>, and no claim is held while the socket is idle. Disposal shuts the socket down, which wakes a
/// blocked receive on Linux; Windows aborts it on close; elsewhere the receive times out every
/// <see cref="SocketTransportOptions.ReceivePollInterval"/> to look at the shutdown flag.</para>
/// <para><see cref="PortableReceiveModel.PostedEventArgs"/> (the default on Windows): per socket,
/// <see cref="SocketTransportOptions.OutstandingReceives"/> receives stay posted, each a reused
/// <see cref="SocketAsyncEventArgs"/> from a bounded <see cref="ObjectPool{T}"/> (sockets × outstanding receives, taken
/// at <see cref="Start"/> and returned at shutdown) with its own pinned slot-sized buffer; on completion the
/// datagram is admitted, copied into a slot claimed then, published, and the receive is posted again (looping while
/// completions are synchronous). A receive posted straight into a claimed slot would hold that claim while the
/// socket is idle, and every later sequence published by another producer of the ring (another socket, a timer)
/// would wait behind it; a test proves no path does.</para>
/// <para>Both capture the sender in a reused <see cref="SocketAddress"/>: no allocation per datagram.</para>
/// </remarks>
public sealed class PortableSocketTransport : IDatagramTransport
{
    private readonly UdpSocketGroup _group;
    private readonly SocketTransportOptions _options;
    private readonly ILogger _logger;
    private readonly ObjectPool<ReceiveOperation> _pool;
    private readonly List<ReceiveOperation> _operations = [];
    private readonly ManualResetEventSlim _allStopped = new(false);
    private readonly PortableReceiveModel _model;
    private IIngressSink? _sink;
    private int _running;                   // operations not yet retired; Interlocked: they retire on pool threads
    private volatile bool _stopping;        // read by completions on pool threads

    /// <summary>The largest UDP payload (IPv6 without jumbograms), rounded up: the blocking thread's scratch size.</summary>
    private const int MaxDatagram = 65536;

    [ThreadStatic]
    private static SocketAddress? t_sendAddressV4;

    [ThreadStatic]
    private static SocketAddress? t_sendAddressV6;

    internal PortableSocketTransport(UdpSocketGroup group, SocketTransportOptions options, ILogger logger)
    {
        _group = group;
        _options = options;
        _logger = logger;
        _model = options.EffectivePortableReceive;
        _pool = new DefaultObjectPool<ReceiveOperation>(new ReceiveOperationPolicy(this), group.Sockets.Length * options.OutstandingReceives);
    }

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint => _group.LocalEndPoint;

    /// <inheritdoc/>
    public AddressFamily AddressFamily => _group.AddressFamily;

    /// <inheritdoc/>
    public TransportCounters Counters { get; } = new();

    /// <summary>Sockets sharing the port.</summary>
    public int SocketCount => _group.Sockets.Length;

    /// <summary>The receive model in use (Automatic resolved for this platform).</summary>
    public PortableReceiveModel ReceiveModel => _model;

    /// <summary>Receive threads or posted receives not yet retired (0 once disposal has returned).</summary>
    internal int ActiveReceiveLoops => Volatile.Read(ref _running);

    /// <inheritdoc/>
    public void Start(IIngressSink sink)
    {
        IngressSinkSlot.Attach(ref _sink, sink);
        if (_model == PortableReceiveModel.BlockingThread)
        {
            StartBlockingThreads();
            return;
        }

        for (var socketIndex = 0; socketIndex < _group.Sockets.Length; socketIndex++)
        {
            for (var i = 0; i < _options.OutstandingReceives; i++)
            {
                var operation = _pool.Get();
                operation.SocketIndex = socketIndex;
                operation.Socket = _group.Sockets[socketIndex];
                _operations.Add(operation);
            }
        }

        _running = _operations.Count;
        foreach (var operation in _operations)
        {
            // Posted from the pool: under load the first receives complete synchronously and loop, which must not
            // keep the caller of Start.
            ThreadPool.UnsafeQueueUserWorkItem(Post, operation, preferLocal: false);
        }
    }

    /// <inheritdoc/>
    public int Send(ReadOnlySpan<OutboundDatagram> datagrams)
    {
        var socket = _group.Sockets[0];
        var v6 = _group.AddressFamily == AddressFamily.InterNetworkV6;
        var address = v6
            ? t_sendAddressV6 ??= new SocketAddress(AddressFamily.InterNetworkV6, RawSocketAddress.MaxLength)
            : t_sendAddressV4 ??= new SocketAddress(AddressFamily.InterNetwork, RawSocketAddress.IPv4Length);
        var sent = 0;
        long bytes = 0;
        foreach (ref readonly var datagram in datagrams)
        {
            var destination = v6 ? datagram.Destination.MapToIPv6() : datagram.Destination;
            if (_stopping || !destination.TryCopyTo(address))
            {
                Counters.AddDropped(DropReason.SendFailed);
                continue;
            }

            try
            {
                socket.SendTo(datagram.Payload.Span, SocketFlags.None, address);
                sent++;
                bytes += datagram.Payload.Length;
            }
            catch (SocketException exception)
            {
                // Rare (ICMP errors, oversize, full buffers): the only way this API reports them.
                TransportLog.CountSendFailure(_logger, Counters, exception.SocketErrorCode);
            }
            catch (ObjectDisposedException)
            {
                Counters.AddDropped(DropReason.SendFailed);
            }
        }

        Counters.AddSent(sent, bytes);
        return sent;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        if (_model == PortableReceiveModel.BlockingThread)
        {
            // Not for posted receives: a shutdown completes them as 0-byte datagrams, which would count as drops.
            _group.ShutDown();
        }

        _group.Dispose();
        if (Volatile.Read(ref _running) > 0)
        {
            // Closing the socket aborts every posted receive (each retires itself on completion); a blocked
            // receive thread was woken by the shutdown (Linux), the close (Windows) or its receive timeout.
            // Not disposed afterwards: a straggler may still Set it, and without a WaitHandle (never requested
            // here) it holds no kernel object.
            _allStopped.Wait(_options.ReceivePollInterval * 4);
        }
    }

    private void StartBlockingThreads()
    {
        // Where neither a shutdown (Linux) nor a close (Windows) wakes a blocked UDP receive, a timeout bounds it.
        var needsTimeout = !OperatingSystem.IsLinux() && !OperatingSystem.IsWindows();
        _running = _group.Sockets.Length;
        for (var i = 0; i < _group.Sockets.Length; i++)
        {
            if (needsTimeout)
            {
                _group.Sockets[i].ReceiveTimeout = (int)Math.Clamp(_options.ReceivePollInterval.TotalMilliseconds, 1, int.MaxValue);
            }

            var socketIndex = i;
            new Thread(() => ReceiveBlocking(socketIndex)) { IsBackground = true, Name = $"elara-rx-{i}" }.Start();
        }
    }

    /// <summary>
    /// The receive thread of one socket in <see cref="PortableReceiveModel.BlockingThread"/>: one blocking receive
    /// per datagram into scratch memory, then claim, copy and publish.
    /// </summary>
    private void ReceiveBlocking(int socketIndex)
    {
        var socket = _group.Sockets[socketIndex];
        var source = new SocketAddress(_group.AddressFamily);
        var capacity = source.Size;
        var tally = Counters.CreateTally();

        // The largest UDP payload: the socket never truncates, so TooLarge is decided against the slot.
        var scratch = GC.AllocateUninitializedArray<byte>(MaxDatagram, pinned: true);
        try
        {
            while (!_stopping)
            {
                int length;
                source.Size = capacity;
                try
                {
                    length = socket.ReceiveFrom(scratch, SocketFlags.None, source);
                }
                catch (SocketException exception)
                {
                    // Rare (ICMP errors reported on Windows, a missed wake-up's timeout): the only way this call
                    // reports them. Counted and logged; the loop goes on.
                    if (!_stopping && exception.SocketErrorCode != SocketError.TimedOut)
                    {
                        TransportLog.CountReceiveFailure(_logger, Counters, exception.SocketErrorCode, socketIndex);
                    }

                    continue;
                }
                catch (ObjectDisposedException)
                {
                    break;
                }

                if (_stopping)
                {
                    break;
                }

                Land(scratch.AsSpan(0, length), truncated: false, source, socketIndex, tally);
            }
        }
        finally
        {
            RetireLoop();
        }
    }

    /// <summary>
    /// Lands a datagram received into scratch memory: admitted, then copied into a slot claimed now and published.
    /// </summary>
    /// <param name="received">The datagram in scratch memory.</param>
    /// <param name="truncated">The socket cut it to fit the scratch buffer.</param>
    /// <param name="source">Its sender.</param>
    /// <param name="socketIndex">The socket it came through.</param>
    /// <param name="tally">The calling receive thread's own count, or null to count with atomic adds.</param>
    private void Land(ReadOnlySpan<byte> received, bool truncated, SocketAddress source, int socketIndex, ReceiveTally? tally)
    {
        var sink = _sink!;
        var sequence = IngressFilter.ClaimAndCopy(sink, Counters, received, truncated, out var kind);
        if (sequence < 0)
        {
            return;
        }

        WriteEntry(sink, sequence, received.Length, kind, socketIndex, source);
        sink.Publish(sequence, sequence);
        if (tally is null)
        {
            Counters.AddReceived(1, received.Length);
        }
        else
        {
            tally.Add(received.Length);
        }
    }

    private static void WriteEntry(IIngressSink sink, long sequence, int length, DatagramKind kind, int socketIndex, SocketAddress source)
    {
        ref var entry = ref sink.GetEntry(sequence);
        entry.Length = length;
        entry.Kind = kind;
        entry.SocketIndex = (byte)socketIndex;
        entry.Timestamp = Stopwatch.GetTimestamp();
        entry.Source.CopyFrom(source);
    }

    private void Post(ReceiveOperation operation)
    {
        while (!_stopping)
        {
            operation.EndPoint.Reset();
            bool pending;
            try
            {
                pending = operation.Socket!.ReceiveFromAsync(operation);
            }
            catch (ObjectDisposedException)
            {
                // Disposal raced the post.
                operation.SocketError = SocketError.OperationAborted;
                pending = false;
            }

            if (pending)
            {
                return;
            }

            Complete(operation);
        }

        Retire(operation);
    }

    /// <summary>Runs on the thread that completed the receive (a pool thread, or the poster when synchronous).</summary>
    private void Complete(ReceiveOperation operation)
    {
        var error = operation.SocketError;
        var truncated = error == SocketError.MessageSize || (operation.SocketFlags & SocketFlags.Truncated) != 0;
        if (error == SocketError.Success || truncated)
        {
            var length = Math.Min(operation.BytesTransferred, operation.Scratch.Length);
            Land(operation.Scratch.Span[..length], truncated, operation.EndPoint.Address, operation.SocketIndex, tally: null);
        }
        else if (!_stopping && error != SocketError.OperationAborted)
        {
            TransportLog.CountReceiveFailure(_logger, Counters, error, operation.SocketIndex);
        }
    }

    private void OnCompleted(ReceiveOperation operation)
    {
        Complete(operation);
        Post(operation);
    }

    private void Retire(ReceiveOperation operation)
    {
        _pool.Return(operation);
        RetireLoop();
    }

    private void RetireLoop()
    {
        if (Interlocked.Decrement(ref _running) == 0)
        {
            _allStopped.Set();
        }
    }

    /// <summary>One posted receive into its own pinned buffer: reused for the transport's life, never per datagram.</summary>
    private sealed class ReceiveOperation(PortableSocketTransport owner, AddressFamily family, int slotSize)
        : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true)
    {
        public readonly SocketAddressEndPoint EndPoint = InitEndPoint(family);
        public readonly Memory<byte> Scratch = GC.AllocateUninitializedArray<byte>(slotSize, pinned: true);
        public Socket? Socket;
        public int SocketIndex;

        private static SocketAddressEndPoint InitEndPoint(AddressFamily family) => new(family);

        public void Attach()
        {
            RemoteEndPoint = EndPoint;
            SetBuffer(Scratch);
        }

        protected override void OnCompleted(SocketAsyncEventArgs e) => owner.OnCompleted(this);
    }

    /// <summary>Creates operations for this transport's family and slot size; an operation past the bound is disposed.</summary>
    private sealed class ReceiveOperationPolicy(PortableSocketTransport owner) : IPooledObjectPolicy<ReceiveOperation>
    {
        public ReceiveOperation Create()
        {
            var operation = new ReceiveOperation(owner, owner._group.AddressFamily, owner._sink!.SlotSize);
            operation.Attach();
            return operation;
        }

        public bool Return(ReceiveOperation obj) => true;
    }
}
