using System.Net;

namespace Elara.Fast.Transport;

/// <summary>Which socket implementation of the network seam to use.</summary>
public enum SocketTransportMode
{
    /// <summary><see cref="LinuxKernelBatch"/> on Linux, <see cref="Portable"/> elsewhere or when it cannot start.</summary>
    Automatic = 0,

    /// <summary><c>recvmmsg</c>/<c>sendmmsg</c> on dedicated receive threads (Linux only).</summary>
    LinuxKernelBatch = 1,

    /// <summary><see cref="System.Net.Sockets.SocketAsyncEventArgs"/> receive loops, any platform.</summary>
    Portable = 2,
}

/// <summary>How the portable path (<see cref="SocketTransportMode.Portable"/>) receives.</summary>
public enum PortableReceiveModel
{
    /// <summary><see cref="PostedEventArgs"/> on Windows (completion ports reward posted receives); <see cref="BlockingThread"/> elsewhere.</summary>
    Automatic = 0,

    /// <summary>
    /// One thread per socket in a blocking <c>ReceiveFrom(Span, SocketFlags, SocketAddress)</c>, copying each kept
    /// datagram into a slot claimed on arrival: one system call per datagram and nothing held while idle.
    /// </summary>
    BlockingThread = 1,

    /// <summary>
    /// <see cref="SocketTransportOptions.OutstandingReceives"/> posted <see cref="System.Net.Sockets.SocketAsyncEventArgs"/>
    /// receives per socket, completing on pool threads. On Linux the runtime's epoll engine then wakes for every
    /// arriving datagram, which measured 2.4–2.5× the blocking thread's CPU per datagram (docs/transport.md).
    /// </summary>
    PostedEventArgs = 2,
}

/// <summary>Configuration of a UDP socket transport.</summary>
public sealed record SocketTransportOptions
{
    /// <summary>Where to bind; <c>[::]:0</c> (dual-mode, any port) by default.</summary>
    public IPEndPoint BindEndPoint { get; init; } = new(IPAddress.IPv6Any, 0);

    /// <summary>
    /// For an IPv6 bind address: also accept and send IPv4 (<c>IPV6_V6ONLY</c> off), with IPv4 peers seen as
    /// <c>::ffff:a.b.c.d</c>. An IPv4 bind address makes an IPv4-only socket.
    /// </summary>
    public bool DualMode { get; init; } = true;

    /// <summary>The implementation; <see cref="SocketTransportMode.Automatic"/> by default.</summary>
    public SocketTransportMode Mode { get; init; }

    /// <summary>
    /// Sockets bound to the same port with <c>SO_REUSEPORT</c>, each with its own receive loop; the kernel spreads
    /// senders over them by a hash of the address pair (Linux). 1 = a single plain socket.
    /// </summary>
    public int SocketCount { get; init; } = 1;

    /// <summary><c>SO_RCVBUF</c> in bytes (the kernel doubles it and caps it at <c>net.core.rmem_max</c>); null = system default.</summary>
    public int? ReceiveBufferSize { get; init; } = 4 << 20;

    /// <summary><c>SO_SNDBUF</c> in bytes (doubled and capped at <c>net.core.wmem_max</c>); null = system default.</summary>
    public int? SendBufferSize { get; init; } = 1 << 20;

    /// <summary>Datagrams per <c>recvmmsg</c>/<c>sendmmsg</c> call, 1..64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>How the portable path receives; <see cref="PortableReceiveModel.Automatic"/> by default.</summary>
    public PortableReceiveModel PortableReceive { get; init; }

    /// <summary>
    /// Receives kept outstanding per socket by the portable path's <see cref="PortableReceiveModel.PostedEventArgs"/>
    /// model, each with its own reused event args.
    /// </summary>
    public int OutstandingReceives { get; init; } = 8;

    /// <summary>
    /// How long a Linux receive thread waits in <c>poll</c> before it looks at the shutdown flag. Disposal also shuts
    /// the socket down, which wakes the thread at once; this bounds the wait if that wake-up is missed. (The
    /// portable blocking thread uses it as its receive timeout where a shutdown cannot wake a blocked UDP receive:
    /// neither Linux nor Windows.)
    /// </summary>
    public TimeSpan ReceivePollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The portable receive model this platform runs when <see cref="PortableReceive"/> is Automatic.</summary>
    internal PortableReceiveModel EffectivePortableReceive => PortableReceive switch
    {
        PortableReceiveModel.Automatic => OperatingSystem.IsWindows() ? PortableReceiveModel.PostedEventArgs : PortableReceiveModel.BlockingThread,
        var model => model,
    };

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(BindEndPoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(SocketCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SocketCount, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, 64);
        if (!Enum.IsDefined(PortableReceive))
        {
            throw new ArgumentOutOfRangeException(nameof(PortableReceive), PortableReceive, "Unknown portable receive model.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(OutstandingReceives, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(OutstandingReceives, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReceivePollInterval, TimeSpan.Zero);
    }
}
