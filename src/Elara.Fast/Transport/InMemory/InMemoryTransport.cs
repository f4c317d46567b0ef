using System.Net;
using System.Net.Sockets;

namespace Elara.Fast.Transport.InMemory;

/// <summary>One endpoint of an <see cref="InMemoryNetwork"/>: the network seam without a socket.</summary>
/// <remarks>
/// Received datagrams go through the same admission check as the socket transports
/// (<see cref="IngressFilter"/>) and land in the sink's slots with the sender's native address, so code above the
/// seam cannot tell the difference. Delivery happens on the network's timer (or inside <c>Send</c> for a
/// zero-delay link), one datagram at a time.
/// </remarks>
public sealed class InMemoryTransport : IDatagramTransport
{
    private readonly InMemoryNetwork _network;
    private readonly int _maxDatagramSize;
    private IIngressSink? _sink;
    private bool _disposed;

    internal InMemoryTransport(InMemoryNetwork network, IPEndPoint localEndPoint, RawSocketAddress rawAddress, int maxDatagramSize)
    {
        _network = network;
        LocalEndPoint = localEndPoint;
        RawAddress = rawAddress;
        _maxDatagramSize = maxDatagramSize;
    }

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The endpoint's address as the native bytes other endpoints send to.</summary>
    public RawSocketAddress RawAddress { get; }

    /// <inheritdoc/>
    public AddressFamily AddressFamily => LocalEndPoint.AddressFamily;

    /// <inheritdoc/>
    public TransportCounters Counters { get; } = new();

    void IDatagramTransport.Start(IIngressSink sink)
    {
        IngressSinkSlot.Attach(ref _sink, sink);
    }

    /// <inheritdoc/>
    public int Send(ReadOnlySpan<OutboundDatagram> datagrams)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        long bytes = 0;
        var accepted = 0;
        foreach (ref readonly var datagram in datagrams)
        {
            if (datagram.Payload.Length > _maxDatagramSize)
            {
                Counters.AddDropped(DropReason.SendFailed);
                continue;
            }

            bytes += datagram.Payload.Length;
            accepted++;
        }

        if (accepted == datagrams.Length)
        {
            _network.Send(this, datagrams);
        }
        else
        {
            SendAcceptedOnly(datagrams);
        }

        Counters.AddSent(accepted, bytes);
        return accepted;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _network.Remove(this);
    }

    /// <summary>Called by the network, under its lock, when a datagram's delivery time has come.</summary>
    internal void Deliver(ReadOnlySpan<byte> payload, RawSocketAddress source, long timestamp)
    {
        var sink = Volatile.Read(ref _sink);
        if (sink is null || Volatile.Read(ref _disposed))
        {
            Counters.AddDropped(DropReason.RingFull);
            return;
        }

        var sequence = IngressFilter.ClaimAndCopy(sink, Counters, payload, truncated: false, out var kind);
        if (sequence < 0)
        {
            return;
        }

        ref var entry = ref sink.GetEntry(sequence);
        entry.Length = payload.Length;
        entry.Kind = kind;
        entry.SocketIndex = 0;
        entry.Timestamp = timestamp;
        entry.Source = source;
        sink.Publish(sequence, sequence);
        Counters.AddReceived(1, payload.Length);
    }

    private void SendAcceptedOnly(ReadOnlySpan<OutboundDatagram> datagrams)
    {
        foreach (ref readonly var datagram in datagrams)
        {
            if (datagram.Payload.Length <= _maxDatagramSize)
            {
                _network.Send(this, new ReadOnlySpan<OutboundDatagram>(in datagram));
            }
        }
    }
}
