using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace Elara.Fast.Transport;

/// <summary>
/// The portable path: per socket, <see cref="SocketTransportOptions.OutstandingReceives"/> receives stay posted,
/// each a reused <see cref="SocketAsyncEventArgs"/> whose buffer is the ring slot it claimed.
/// </summary>
/// <remarks>
/// <para>An operation claims one sequence, points its buffer at that slot (<c>SetBuffer(Memory)</c> over the pinned
/// slab) and posts <c>ReceiveFromAsync</c>; on completion it writes the entry, publishes the sequence and posts again,
/// looping while completions are synchronous. The socket completes queued receives in posting order, and each
/// claims after the previous, so the ring sees sequences fill in order; a failed receive publishes its slot empty.
/// The sender is captured in a <see cref="SocketAddressEndPoint"/>: no allocation per datagram.</para>
/// <para>With several <c>SO_REUSEPORT</c> sockets a receive lands in its operation's own buffer and is copied into a
/// slot claimed on arrival instead: a slot claimed by a receive parked on an idle socket would hold back every later
/// sequence that the other sockets publish. (The same holds for any other producer sharing the ring with a
/// single-socket portable transport: its sequences become visible once the transport's oldest posted receive
/// completes. REVIEW: should timer ticks get their own ring when the portable path is in use?)</para>
/// <para>The event args come from a bounded <see cref="ObjectPool{T}"/> sized sockets × outstanding receives; they
/// are taken at <see cref="Start"/> and returned at shutdown. With the ring full an operation receives into its own
/// scratch buffer and counts <see cref="DropReason.RingFull"/>.</para>
/// </remarks>
public sealed class PortableSocketTransport : IDatagramTransport
{
    private readonly UdpSocketGroup _group;
    private readonly SocketTransportOptions _options;
    private readonly ILogger _logger;
    private readonly ObjectPool<ReceiveOperation> _pool;
    private readonly List<ReceiveOperation> _operations = [];
    private readonly ManualResetEventSlim _allStopped = new(false);
    private readonly bool _receiveIntoSlots;
    private IIngressSink? _sink;
    private int _running;                   // operations not yet retired; Interlocked: they retire on pool threads
    private volatile bool _stopping;        // read by completions on pool threads

    [ThreadStatic]
    private static SocketAddress? t_sendAddressV4;

    [ThreadStatic]
    private static SocketAddress? t_sendAddressV6;

    internal PortableSocketTransport(UdpSocketGroup group, SocketTransportOptions options, ILogger logger)
    {
        _group = group;
        _options = options;
        _logger = logger;
        _pool = new DefaultObjectPool<ReceiveOperation>(new ReceiveOperationPolicy(this), group.Sockets.Length * options.OutstandingReceives);

        // With several sockets, a claim parked on an idle socket would hold back every later sequence published
        // through the others, so each receive lands in its operation's buffer and is copied into a slot on arrival.
        _receiveIntoSlots = group.Sockets.Length == 1;
    }

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint => _group.LocalEndPoint;

    /// <inheritdoc/>
    public AddressFamily AddressFamily => _group.AddressFamily;

    /// <inheritdoc/>
    public TransportCounters Counters { get; } = new();

    /// <summary>Sockets sharing the port.</summary>
    public int SocketCount => _group.Sockets.Length;

    /// <summary>Posted receives not yet retired (0 once disposal has returned).</summary>
    internal int ActiveReceiveLoops => Volatile.Read(ref _running);

    /// <inheritdoc/>
    public void Start(IIngressSink sink)
    {
        IngressSinkSlot.Attach(ref _sink, sink);

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
            Post(operation);
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
        _group.Dispose();
        if (_operations.Count > 0)
        {
            // Closing the socket aborts every posted receive; each retires itself on completion.
            // Not disposed afterwards: a straggler may still Set it from a pool thread, and without a WaitHandle
            // (never requested here) it holds no kernel object.
            _allStopped.Wait(_options.ReceivePollInterval * 4);
        }
    }

    private void Post(ReceiveOperation operation)
    {
        var sink = _sink!;
        while (!_stopping)
        {
            if (_receiveIntoSlots && sink.TryClaim(1, out var sequence))
            {
                operation.Sequence = sequence;
                operation.SetBuffer(sink.GetSlotMemory(sequence));
            }
            else
            {
                operation.Sequence = -1;
                operation.SetBuffer(operation.Scratch);
            }

            operation.EndPoint.Reset();
            bool pending;
            try
            {
                pending = operation.Socket!.ReceiveFromAsync(operation);
            }
            catch (ObjectDisposedException)
            {
                // Disposal raced the post; the claimed slot is published empty below.
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
        var sink = _sink!;
        var error = operation.SocketError;
        var length = operation.BytesTransferred;
        var kept = false;
        var truncated = error == SocketError.MessageSize || (operation.SocketFlags & SocketFlags.Truncated) != 0;
        if (error == SocketError.Success || truncated)
        {
            if (operation.Sequence < 0 && !_receiveIntoSlots && sink.TryClaim(1, out var claimed))
            {
                operation.Scratch.Span[..Math.Min(length, sink.SlotSize)].CopyTo(sink.GetSlotMemory(claimed).Span);
                operation.Sequence = claimed;
            }

            var sequence = operation.Sequence;
            var datagram = sequence >= 0 ? sink.GetSlotMemory(sequence).Span[..Math.Min(length, sink.SlotSize)] : default;
            if (sequence < 0)
            {
                Counters.AddDropped(DropReason.RingFull);
            }
            else if (IngressFilter.TryAccept(datagram, truncated, out var kind, out var reason))
            {
                ref var entry = ref sink.GetEntry(sequence);
                entry.Length = datagram.Length;
                entry.Kind = kind;
                entry.SocketIndex = (byte)operation.SocketIndex;
                entry.Timestamp = Stopwatch.GetTimestamp();
                entry.Source.CopyFrom(operation.EndPoint.Address);
                kept = true;
                Counters.AddReceived(1, datagram.Length);
            }
            else
            {
                Counters.AddDropped(reason);
            }
        }
        else if (!_stopping && error != SocketError.OperationAborted)
        {
            TransportLog.CountReceiveFailure(_logger, Counters, error, operation.SocketIndex);
        }

        if (operation.Sequence >= 0)
        {
            if (!kept)
            {
                ref var entry = ref sink.GetEntry(operation.Sequence);
                entry.Length = 0;
                entry.Kind = DatagramKind.Unknown;
            }

            sink.Publish(operation.Sequence, operation.Sequence);
            operation.Sequence = -1;
        }
    }

    private void OnCompleted(ReceiveOperation operation)
    {
        Complete(operation);
        Post(operation);
    }

    private void Retire(ReceiveOperation operation)
    {
        Debug.Assert(operation.Sequence < 0, "Post only exits at the top of its loop, with nothing claimed.");

        _pool.Return(operation);
        if (Interlocked.Decrement(ref _running) == 0)
        {
            _allStopped.Set();
        }
    }

    /// <summary>One posted receive: reused for the transport's life, never per datagram.</summary>
    private sealed class ReceiveOperation(PortableSocketTransport owner, AddressFamily family, int slotSize)
        : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true)
    {
        public readonly SocketAddressEndPoint EndPoint = InitEndPoint(family);
        public readonly Memory<byte> Scratch = GC.AllocateUninitializedArray<byte>(slotSize, pinned: true);
        public Socket? Socket;
        public int SocketIndex;
        public long Sequence = -1;

        private static SocketAddressEndPoint InitEndPoint(AddressFamily family) => new(family);

        public void Attach() => RemoteEndPoint = EndPoint;

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
