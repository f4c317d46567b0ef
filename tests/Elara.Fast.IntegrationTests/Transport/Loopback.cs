using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Elara.Fast.Ring;
using Elara.Fast.Transport;

namespace Elara.Fast.IntegrationTests.Transport;

/// <summary>How a test binds the transport: IPv4, IPv6, or dual-mode IPv6 reached over IPv4.</summary>
public enum Family
{
    IPv4,
    IPv6,
    DualModeFromIPv4,
}

/// <summary>A socket receive path under test: the kernel batch path, or one of the portable path's two models.</summary>
public enum TransportPath
{
    LinuxKernelBatch,
    PortableBlockingThread,
    PortableEventArgs,
}

/// <summary>Loopback helpers: transports, senders, numbered ELARA-looking frames, and a bounded wait for arrivals.</summary>
internal static class Loopback
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static IPEndPoint BindFor(Family family) => family switch
    {
        Family.IPv4 => new IPEndPoint(IPAddress.Loopback, 0),
        Family.IPv6 => new IPEndPoint(IPAddress.IPv6Loopback, 0),
        _ => new IPEndPoint(IPAddress.IPv6Any, 0),
    };

    public static IPAddress SenderAddress(Family family) => family == Family.IPv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;

    /// <summary>Every path this platform runs: the kernel batch path only on Linux.</summary>
    public static TransportPath[] Paths() =>
        OperatingSystem.IsLinux()
            ? [TransportPath.LinuxKernelBatch, TransportPath.PortableBlockingThread, TransportPath.PortableEventArgs]
            : [TransportPath.PortableBlockingThread, TransportPath.PortableEventArgs];

    public static IDatagramTransport Open(TransportPath path, Family family, int sockets = 1, TimeSpan? pollInterval = null, int outstanding = 8)
    {
        var transport = DatagramTransport.Create(new SocketTransportOptions
        {
            BindEndPoint = BindFor(family),
            Mode = path == TransportPath.LinuxKernelBatch ? SocketTransportMode.LinuxKernelBatch : SocketTransportMode.Portable,
            PortableReceive = path == TransportPath.PortableEventArgs ? PortableReceiveModel.PostedEventArgs : PortableReceiveModel.BlockingThread,
            SocketCount = sockets,
            OutstandingReceives = outstanding,
            ReceivePollInterval = pollInterval ?? TimeSpan.FromMilliseconds(200),
        });

        // The path asked for is the path under test (no silent fallback).
        Assert.Equal(path == TransportPath.LinuxKernelBatch ? typeof(LinuxBatchTransport) : typeof(PortableSocketTransport), transport.GetType());
        if (transport is PortableSocketTransport portable)
        {
            Assert.Equal(path == TransportPath.PortableEventArgs ? PortableReceiveModel.PostedEventArgs : PortableReceiveModel.BlockingThread, portable.ReceiveModel);
        }

        return transport;
    }

    /// <summary>Where a sender of <paramref name="family"/> reaches the transport.</summary>
    public static IPEndPoint TargetOf(IDatagramTransport transport, Family family) =>
        new(SenderAddress(family), transport.LocalEndPoint.Port);

    public static Socket Sender(Family family)
    {
        var address = SenderAddress(family);
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return socket;
    }

    /// <summary>A plain socket with a 4 MiB buffer (so a burst from the transport fits) and a bounded receive wait.</summary>
    public static Socket Receiver(Family family)
    {
        var socket = Sender(family);
        socket.ReceiveBufferSize = 4 << 20;
        socket.ReceiveTimeout = (int)Deadline.TotalMilliseconds;
        return socket;
    }

    public static (IngressRing Ring, IngressPoller Poller) Attach(IDatagramTransport transport, int size = 1 << 14, int slotSize = 1500)
    {
        var ring = new IngressRing(size, slotSize, new TimeoutBlockingWaitStrategy(TimeSpan.FromMilliseconds(50)));
        var poller = new IngressPoller(ring);
        transport.Start(ring);
        return (ring, poller);
    }

    public static byte[] Frame(int id, int size = 64)
    {
        var frame = new byte[size];
        WriteFrame(frame, id);
        return frame;
    }

    public static void WriteFrame(Span<byte> frame, int id)
    {
        frame.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(frame[2..], 30);
        BinaryPrimitives.WriteInt32LittleEndian(frame[12..], id);
        for (var i = 30; i < frame.Length; i++)
        {
            frame[i] = (byte)(id * 7 + i);
        }
    }

    public static int IdOf(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadInt32LittleEndian(frame[12..]);

    /// <summary>Reads the ring until <paramref name="expected"/> datagrams arrived or the deadline passed.</summary>
    public static List<Arrival> Collect(IngressPoller poller, int expected)
    {
        var arrivals = new List<Arrival>(expected);
        var handler = new CollectingHandler(arrivals);
        var clock = Stopwatch.StartNew();
        while (arrivals.Count < expected && clock.Elapsed < Deadline)
        {
            poller.WaitAndPoll(ref handler);
        }

        return arrivals;
    }
}

internal readonly record struct Arrival(int Id, int Length, RawSocketAddress Source, byte SocketIndex, bool BytesIntact);

internal readonly struct CollectingHandler(List<Arrival> arrivals) : IReceivedDatagramHandler
{
    public void OnDatagram(ref ReceivedDatagram entry, ReadOnlySpan<byte> payload, long sequence)
    {
        var id = Loopback.IdOf(payload);
        arrivals.Add(new Arrival(id, entry.Length, entry.Source, entry.SocketIndex, payload.SequenceEqual(Loopback.Frame(id, payload.Length))));
    }
}

internal struct CountingHandler : IReceivedDatagramHandler
{
    public long Count;

    public void OnDatagram(ref ReceivedDatagram entry, ReadOnlySpan<byte> payload, long sequence) => Count++;
}
