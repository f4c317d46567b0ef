using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Elara.Fast.Transport.Interop;
using Microsoft.Extensions.Logging;

namespace Elara.Fast.Transport;

/// <summary>
/// The Linux fast path: one dedicated thread per socket receives up to <see cref="SocketTransportOptions.BatchSize"/>
/// datagrams per <c>recvmmsg(2)</c> straight into a claimed range of ring slots; <see cref="Send"/> batches with
/// <c>sendmmsg(2)</c>.
/// </summary>
/// <remarks>
/// <para>Wait, claim, receive: the thread waits in <c>poll(2)</c> until the socket is readable (skipped while the
/// last batch came back full), claims a range of sequences, and calls <c>recvmmsg</c> with <c>MSG_DONTWAIT</c> with
/// the iovecs pointing at the claimed slots in the pinned slab, so a datagram is written once, by the kernel, where
/// every stage reads it, and a claim is never held across a wait (it would stall consumers for every later
/// sequence). Slots a call did not fill are published empty (<see cref="ReceivedDatagram.IsEmpty"/>). The claim size adapts (twice the last batch, 4..BatchSize), so a
/// trickle does not burn 64 sequences per datagram. When the ring is full the datagrams are received into a
/// scratch slot and counted as <see cref="DropReason.RingFull"/>: the socket keeps draining and the freshest data
/// wins, which is what real-time media wants.</para>
/// <para>Shutdown: disposal sets a flag, shuts the sockets down (which wakes a blocked <c>poll</c>, even on an
/// unconnected UDP socket) and closes them; the poll timeout bounds the wait if the wake-up is missed.
/// Socket errors are counted and logged (sampled) and never end a loop.</para>
/// </remarks>
public sealed unsafe class LinuxBatchTransport : IDatagramTransport
{
    private const int MinimumClaim = 4;
    private const int NameStride = 32;     // room for a 28-byte sockaddr_in6, 8-byte aligned

    [ThreadStatic]
    private static SendBuffers? t_sendBuffers;

    private readonly UdpSocketGroup _group;
    private readonly SocketTransportOptions _options;
    private readonly ILogger _logger;
    private readonly Thread[] _threads;
    private readonly int _pollMilliseconds;
    private IIngressSink? _sink;
    private volatile bool _stopping;     // read by every receive thread after each call; volatile: no stale caching
    private int _activeLoops;            // Interlocked: each receive thread counts itself in and out

    internal LinuxBatchTransport(UdpSocketGroup group, SocketTransportOptions options, ILogger logger)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("recvmmsg/sendmmsg are Linux system calls.");
        }

        _group = group;
        _options = options;
        _logger = logger;
        _threads = new Thread[group.Sockets.Length];
        _pollMilliseconds = (int)Math.Clamp(options.ReceivePollInterval.TotalMilliseconds, 1, int.MaxValue);
        foreach (var socket in group.Sockets)
        {
            // Blocking sends (the Transmit thread waits for buffer space); receives are MSG_DONTWAIT after poll.
            socket.Blocking = true;
        }
    }

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint => _group.LocalEndPoint;

    /// <inheritdoc/>
    public AddressFamily AddressFamily => _group.AddressFamily;

    /// <inheritdoc/>
    public TransportCounters Counters { get; } = new();

    /// <summary>Sockets (and receive threads) sharing the port.</summary>
    public int SocketCount => _group.Sockets.Length;

    /// <summary>Receive threads still running (0 once disposal has returned).</summary>
    internal int ActiveReceiveLoops => Volatile.Read(ref _activeLoops);

    /// <inheritdoc/>
    public void Start(IIngressSink sink)
    {
        IngressSinkSlot.Attach(ref _sink, sink);

        for (var i = 0; i < _threads.Length; i++)
        {
            var index = i;
            Interlocked.Increment(ref _activeLoops);
            _threads[i] = new Thread(() => ReceiveLoop(index)) { IsBackground = true, Name = $"elara-recvmmsg-{i}" };
            _threads[i].Start();
        }
    }

    /// <inheritdoc/>
    public int Send(ReadOnlySpan<OutboundDatagram> datagrams)
    {
        var buffers = t_sendBuffers ??= new SendBuffers();
        var socket = _group.Sockets[0];
        var mapToIPv6 = _group.AddressFamily == AddressFamily.InterNetworkV6;
        var sent = 0;
        long bytes = 0;
        var index = 0;
        while (index < datagrams.Length && !_stopping)
        {
            var count = Math.Min(datagrams.Length - index, Math.Min(_options.BatchSize, SendBuffers.Capacity));
            var pins = 0;
            object? pinnedArray = null;
            byte* pinnedBase = null;
            for (var i = 0; i < count; i++)
            {
                ref readonly var datagram = ref datagrams[index + i];
                var destination = mapToIPv6 ? datagram.Destination.MapToIPv6() : datagram.Destination;
                byte* payload;
                if (MemoryMarshal.TryGetArray(datagram.Payload, out var segment) && ReferenceEquals(segment.Array, pinnedArray))
                {
                    // Frames of one batch usually share the egress slab: one pin per batch instead of one per frame.
                    payload = pinnedBase + segment.Offset;
                }
                else
                {
                    buffers.Handles[pins] = datagram.Payload.Pin();
                    payload = (byte*)buffers.Handles[pins++].Pointer;
                    if (segment.Array is not null)
                    {
                        pinnedArray = segment.Array;
                        pinnedBase = payload - segment.Offset;
                    }
                }

                buffers.Iov[i].Base = payload;
                buffers.Iov[i].Length = (nuint)datagram.Payload.Length;
                var name = new Span<byte>(buffers.Names + (i * NameStride), NameStride);
                destination.AsSpan().CopyTo(name);
                buffers.Messages[i].Header.NameLength = (uint)destination.Length;
            }

            int done;
            var errno = 0;
            var added = false;
            try
            {
                socket.SafeHandle.DangerousAddRef(ref added);
                done = LinuxSocketInterop.SendMmsg(socket.SafeHandle.DangerousGetHandle(), buffers.Messages, (uint)count, 0);
                if (done < 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                }
            }
            catch (ObjectDisposedException)
            {
                done = -1;
                errno = LinuxSocketInterop.EBadF;
            }
            finally
            {
                if (added)
                {
                    socket.SafeHandle.DangerousRelease();
                }

                for (var i = 0; i < pins; i++)
                {
                    buffers.Handles[i].Dispose();
                }
            }

            if (done > 0)
            {
                for (var i = 0; i < done; i++)
                {
                    bytes += datagrams[index + i].Payload.Length;
                }

                sent += done;
                index += done;
                continue;
            }

            if (errno == LinuxSocketInterop.EIntr)
            {
                continue;
            }

            if (errno == LinuxSocketInterop.EBadF && _stopping)
            {
                break;
            }

            // The datagram at the head was refused (too large, no route, a pending ICMP error): count it, skip it.
            TransportLog.CountSendFailure(_logger, Counters, LinuxSocketInterop.ToSocketError(errno));
            index++;
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
        _group.ShutDown();   // wakes the threads blocked in poll
        _group.Dispose();
        foreach (var thread in _threads)
        {
            thread?.Join(_options.ReceivePollInterval * 4);
        }
    }

    private void ReceiveLoop(int socketIndex)
    {
        var sink = _sink!;
        var socket = _group.Sockets[socketIndex];
        var batchSize = _options.BatchSize;
        var slotSize = sink.SlotSize;
        var messages = (LinuxSocketInterop.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(batchSize * sizeof(LinuxSocketInterop.MMsgHdr)));
        var iov = (LinuxSocketInterop.IoVec*)NativeMemory.AllocZeroed((nuint)(batchSize * sizeof(LinuxSocketInterop.IoVec)));
        var names = (byte*)NativeMemory.AllocZeroed((nuint)(batchSize * NameStride));
        var scratch = (byte*)NativeMemory.Alloc((nuint)slotSize);
        try
        {
            for (var i = 0; i < batchSize; i++)
            {
                messages[i].Header.Iov = &iov[i];
                messages[i].Header.IovLength = 1;
                messages[i].Header.Name = names + (i * NameStride);
            }

            var claim = MinimumClaim;
            var drained = true;
            while (!_stopping)
            {
                // Wait for data before claiming: a claim held across a blocking wait would stall the consumers for
                // every later sequence (other sockets of the group, other producers of the ring) until it returned.
                if (drained && !WaitReadable(socket, out var pollErrno))
                {
                    if (pollErrno != 0 && pollErrno != LinuxSocketInterop.EIntr && !_stopping)
                    {
                        TransportLog.CountReceiveFailure(_logger, Counters, LinuxSocketInterop.ToSocketError(pollErrno), socketIndex);
                        Thread.Sleep(1);    // a persistent error must not turn the loop into a busy spin
                    }

                    continue;
                }

                var count = Math.Min(claim, batchSize);
                var claimed = TryClaimUpTo(sink, ref count, out var first);
                for (var i = 0; i < count; i++)
                {
                    iov[i].Base = claimed ? (void*)sink.GetSlotAddress(first + i) : scratch;
                    iov[i].Length = (nuint)slotSize;
                    messages[i].Header.NameLength = RawSocketAddress.MaxLength;
                    messages[i].Header.Flags = 0;
                }

                // Non-blocking: the claim is held for one system call only.
                var received = Receive(socket, messages, count, out var errno);
                drained = received < count;
                if (received <= 0)
                {
                    if (claimed)
                    {
                        PublishEmpty(sink, first, first, first + count - 1);
                    }

                    if (received < 0 && errno != LinuxSocketInterop.EAgain && errno != LinuxSocketInterop.EIntr && !_stopping)
                    {
                        TransportLog.CountReceiveFailure(_logger, Counters, LinuxSocketInterop.ToSocketError(errno), socketIndex);
                        Thread.Sleep(1);
                    }

                    claim = MinimumClaim;
                    continue;
                }

                if (!claimed)
                {
                    Counters.AddDropped(DropReason.RingFull, received);
                    continue;
                }

                Land(sink, messages, first, received, count, socketIndex);
                claim = Math.Clamp(received * 2, MinimumClaim, batchSize);
            }
        }
        finally
        {
            NativeMemory.Free(messages);
            NativeMemory.Free(iov);
            NativeMemory.Free(names);
            NativeMemory.Free(scratch);
            Interlocked.Decrement(ref _activeLoops);
            TransportLog.ReceiveLoopStopped(_logger, socketIndex);
        }
    }

    /// <summary>Writes the entries of a received batch, publishes the claimed range, and counts.</summary>
    private void Land(IIngressSink sink, LinuxSocketInterop.MMsgHdr* messages, long first, int received, int claimed, int socketIndex)
    {
        var timestamp = Stopwatch.GetTimestamp();
        var slotSize = sink.SlotSize;
        var kept = 0;
        long bytes = 0;
        for (var i = 0; i < received; i++)
        {
            ref var entry = ref sink.GetEntry(first + i);
            ref var message = ref messages[i];
            var length = (int)Math.Min(message.Length, (uint)slotSize);
            var truncated = (message.Header.Flags & LinuxSocketInterop.MsgTrunc) != 0;
            var datagram = new ReadOnlySpan<byte>(message.Header.Iov->Base, length);
            if (IngressFilter.TryAccept(datagram, truncated, out var kind, out var reason))
            {
                entry.Length = length;
                entry.Kind = kind;
                entry.SocketIndex = (byte)socketIndex;
                entry.Timestamp = timestamp;
                new ReadOnlySpan<byte>(message.Header.Name, (int)message.Header.NameLength).CopyTo(entry.Source.Buffer);
                entry.Source.SetLength((int)message.Header.NameLength);
                kept++;
                bytes += length;
            }
            else
            {
                entry.Length = 0;
                entry.Kind = DatagramKind.Unknown;
                Counters.AddDropped(reason);
            }
        }

        PublishEmpty(sink, first, first + received, first + claimed - 1);
        Counters.AddReceived(kept, bytes);
    }

    /// <summary>Marks <paramref name="from"/>..<paramref name="last"/> empty, then publishes the whole claim.</summary>
    private static void PublishEmpty(IIngressSink sink, long first, long from, long last)
    {
        for (var sequence = from; sequence <= last; sequence++)
        {
            ref var entry = ref sink.GetEntry(sequence);
            entry.Length = 0;
            entry.Kind = DatagramKind.Unknown;
        }

        sink.Publish(first, last);
    }

    /// <summary>Claims <paramref name="count"/> slots, halving down to 1 while the ring has less room.</summary>
    private static bool TryClaimUpTo(IIngressSink sink, ref int count, out long first)
    {
        while (true)
        {
            if (sink.TryClaim(count, out first))
            {
                return true;
            }

            if (count == 1)
            {
                // Ring full: receive a batch anyway (into scratch) so the socket drains, and count the drops.
                count = MinimumClaim;
                return false;
            }

            count >>= 1;
        }
    }

    private int Receive(Socket socket, LinuxSocketInterop.MMsgHdr* messages, int count, out int errno)
    {
        errno = 0;
        var added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            var received = LinuxSocketInterop.RecvMmsg(socket.SafeHandle.DangerousGetHandle(), messages, (uint)count, LinuxSocketInterop.MsgDontWait, null);
            if (received < 0)
            {
                errno = Marshal.GetLastPInvokeError();
            }

            return received;
        }
        catch (ObjectDisposedException)
        {
            // Only disposal closes the socket; the loop sees _stopping next.
            errno = LinuxSocketInterop.EBadF;
            return -1;
        }
        finally
        {
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    /// <summary>Blocks in <c>poll(2)</c> until the socket is readable, the poll interval passes, or shutdown wakes it.</summary>
    /// <returns>True when readable; false on timeout (errno 0) or error.</returns>
    private bool WaitReadable(Socket socket, out int errno)
    {
        errno = 0;
        var added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            var descriptor = new LinuxSocketInterop.PollFd { Fd = (int)socket.SafeHandle.DangerousGetHandle(), Events = LinuxSocketInterop.PollIn };
            var ready = LinuxSocketInterop.Poll(&descriptor, 1, _pollMilliseconds);
            if (ready < 0)
            {
                errno = Marshal.GetLastPInvokeError();
            }

            return ready > 0;
        }
        catch (ObjectDisposedException)
        {
            errno = LinuxSocketInterop.EBadF;
            return false;
        }
        finally
        {
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    /// <summary>Native send vectors of one thread, allocated on its first send and kept for the thread's life.</summary>
    private sealed class SendBuffers
    {
        public const int Capacity = 64;
        public readonly LinuxSocketInterop.MMsgHdr* Messages;
        public readonly LinuxSocketInterop.IoVec* Iov;
        public readonly byte* Names;
        public readonly System.Buffers.MemoryHandle[] Handles = new System.Buffers.MemoryHandle[Capacity];

        public SendBuffers()
        {
            Messages = (LinuxSocketInterop.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(LinuxSocketInterop.MMsgHdr)));
            Iov = (LinuxSocketInterop.IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(LinuxSocketInterop.IoVec)));
            Names = (byte*)NativeMemory.AllocZeroed(Capacity * NameStride);
            for (var i = 0; i < Capacity; i++)
            {
                Messages[i].Header.Iov = &Iov[i];
                Messages[i].Header.IovLength = 1;
                Messages[i].Header.Name = Names + (i * NameStride);
            }
        }

        ~SendBuffers()
        {
            NativeMemory.Free(Messages);
            NativeMemory.Free(Iov);
            NativeMemory.Free(Names);
        }
    }
}
