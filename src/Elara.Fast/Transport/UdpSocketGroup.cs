using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Elara.Fast.Transport;

/// <summary>
/// The UDP socket(s) of a transport: dual-mode when asked, <c>SO_REUSEPORT</c> when there are several, buffer
/// sizes set and the effective sizes logged (the kernel doubles and caps what is asked).
/// </summary>
internal sealed class UdpSocketGroup : IDisposable
{
    // SOL_SOCKET / SO_REUSEPORT on Linux (asm-generic/socket.h); .NET has no portable name for it.
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    private UdpSocketGroup(Socket[] sockets, IPEndPoint localEndPoint)
    {
        Sockets = sockets;
        LocalEndPoint = localEndPoint;
    }

    public Socket[] Sockets { get; }

    public IPEndPoint LocalEndPoint { get; }

    public AddressFamily AddressFamily => LocalEndPoint.AddressFamily;

    public static UdpSocketGroup Open(SocketTransportOptions options, ILogger logger)
    {
        options.Validate();
        var bind = options.BindEndPoint;
        var dualMode = options.DualMode && bind.AddressFamily == AddressFamily.InterNetworkV6;
        if (options.SocketCount > 1 && !OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Several sockets on one port need SO_REUSEPORT (Linux).");
        }

        var sockets = new Socket[options.SocketCount];
        try
        {
            for (var i = 0; i < sockets.Length; i++)
            {
                var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                sockets[i] = socket;
                if (bind.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = dualMode;
                }

                if (sockets.Length > 1)
                {
                    socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
                }

                if (options.ReceiveBufferSize is { } receive)
                {
                    socket.ReceiveBufferSize = receive;
                }

                if (options.SendBufferSize is { } send)
                {
                    socket.SendBufferSize = send;
                }

                // The first socket picks the port (when 0 was asked); the others join it.
                socket.Bind(i == 0 ? bind : new IPEndPoint(bind.Address, ((IPEndPoint)sockets[0].LocalEndPoint!).Port));
                TransportLog.BufferSizes(logger, i, options.ReceiveBufferSize, socket.ReceiveBufferSize, options.SendBufferSize, socket.SendBufferSize);
            }

            return new UdpSocketGroup(sockets, (IPEndPoint)sockets[0].LocalEndPoint!);
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Shuts every socket down, which wakes a thread blocked in <c>poll</c> or a receive on it: Linux sets
    /// RCV_SHUTDOWN even on an unconnected UDP socket (and answers ENOTCONN, ignored here). Dispose afterwards.
    /// </summary>
    public void ShutDown()
    {
        foreach (var socket in Sockets)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // ENOTCONN is the expected answer for an unconnected UDP socket; the wake-up still happened.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        foreach (var socket in Sockets)
        {
            socket.Dispose();
        }
    }
}
