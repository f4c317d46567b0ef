using System.Net;

namespace Elara.Fast.Transport;

/// <summary>
/// The network seam: send a batch of datagrams, receive batches into ring slots, the local endpoint, close.
/// </summary>
/// <remarks>
/// Three implementations: <see cref="LinuxBatchTransport"/> (recvmmsg/sendmmsg on dedicated threads),
/// <see cref="PortableSocketTransport"/> (SocketAsyncEventArgs receive loops) and
/// <see cref="InMemory.InMemoryTransport"/> (an endpoint of an in-process network with seeded impairment,
/// what multi-node tests run over). <see cref="DatagramTransport.Create"/> picks the socket one.
/// Disposal closes the socket(s) and ends every receive loop promptly.
/// </remarks>
public interface IDatagramTransport : IDisposable
{
    /// <summary>The bound local endpoint (the actual port when bound to port 0).</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>The address family destinations must use (<see cref="RawSocketAddress.FromEndPoint(IPEndPoint, System.Net.Sockets.AddressFamily)"/>).</summary>
    System.Net.Sockets.AddressFamily AddressFamily { get; }

    /// <summary>Every datagram counted by outcome.</summary>
    TransportCounters Counters { get; }

    /// <summary>Starts receiving into <paramref name="sink"/>; call once.</summary>
    void Start(IIngressSink sink);

    /// <summary>
    /// Sends <paramref name="datagrams"/> in as few calls as the implementation allows. It may wait for socket
    /// buffer space (the Transmit stage calls it on its own thread, so producers never wait); a datagram the
    /// network refuses is counted as <see cref="DropReason.SendFailed"/> and skipped.
    /// </summary>
    /// <returns>How many datagrams were handed to the network.</returns>
    int Send(ReadOnlySpan<OutboundDatagram> datagrams);
}
