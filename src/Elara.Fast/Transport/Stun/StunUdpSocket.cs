using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Elara.Fast.Transport.Stun;

/// <summary>Receives one datagram from <paramref name="source"/>; the bytes are only valid during the call.</summary>
internal delegate void StunDatagramHandler(ReadOnlySpan<byte> datagram, in StunAddress source);

/// <summary>
/// A plain UDP socket with a receive thread, for <c>elara stun</c> and the tests: the STUN/TURN clients
/// send through <see cref="CreateSender"/> and it feeds every datagram it receives to a handler. The
/// node itself does not use this: its ingress owns the socket and demultiplexes with
/// <see cref="DatagramClassifier"/>.
/// </summary>
internal sealed class StunUdpSocket : IDisposable
{
    private const int ReceiveBufferSize = 65536;

    private readonly Socket _socket;
    private readonly Thread _receiver;
    private readonly StunDatagramHandler _handler;
    private long _socketErrors;
    // Written by Dispose, read by the receive loop: volatile so the loop sees shutdown promptly.
    private volatile bool _disposed;

    public StunUdpSocket(IPEndPoint localEndPoint, StunDatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _socket = new Socket(localEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(localEndPoint);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "stun-udp-receive" };
        _receiver.Start();
    }

    /// <summary>The bound address (with the port the system chose for port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Receive or send errors that were counted and survived (ICMP unreachable, …).</summary>
    public long SocketErrors => Interlocked.Read(ref _socketErrors);

    /// <summary>A sender of datagrams to <paramref name="remote"/> through this socket.</summary>
    public DatagramSender CreateSender(IPEndPoint remote)
    {
        var address = remote.Serialize();
        return datagram => SendTo(datagram, address);
    }

    /// <summary>Sends one datagram; a socket error is counted, not thrown.</summary>
    public void SendTo(ReadOnlySpan<byte> datagram, SocketAddress remote)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _socketErrors);
        }
        catch (ObjectDisposedException) when (_disposed)
        {
            // Sending after disposal (a late retransmission timer) is a no-op.
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Closing unblocks the pending ReceiveFrom (the runtime shuts the socket down first).
        _socket.Dispose();
        _receiver.Join(TimeSpan.FromSeconds(5));
    }

    [SuppressMessage("Design", "CA1031", Justification = "The receive loop must survive a throwing handler; it counts the error and goes on.")]
    private void ReceiveLoop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        var source = new SocketAddress(_socket.AddressFamily);
        while (!_disposed)
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(buffer, SocketFlags.None, source);
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _socketErrors);
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (!StunAddress.TryFromSocketAddress(source, out var from))
            {
                continue;
            }

            try
            {
                _handler(buffer.AsSpan(0, received), from);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _socketErrors);
            }
        }
    }
}
