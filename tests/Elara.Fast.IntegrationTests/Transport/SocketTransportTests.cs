using System.Net;
using System.Net.Sockets;
using Elara.Fast.Transport;

namespace Elara.Fast.IntegrationTests.Transport;

/// <summary>Both socket transports over real loopback sockets: bytes, sources, families, reuseport, errors, shutdown.</summary>
public sealed class SocketTransportTests
{
    public static TheoryData<TransportPath, Family> ModesAndFamilies()
    {
        var data = new TheoryData<TransportPath, Family>();
        foreach (var mode in Loopback.Paths())
        {
            foreach (var family in Enum.GetValues<Family>())
            {
                data.Add(mode, family);
            }
        }

        return data;
    }

    public static TheoryData<TransportPath> AllModes() => new(Loopback.Paths());

    [Theory]
    [MemberData(nameof(ModesAndFamilies))]
    public void Receives_every_datagram_into_ring_slots_with_its_bytes_and_source(TransportPath mode, Family family)
    {
        const int count = 2000;
        using var transport = Loopback.Open(mode, family);
        var (_, poller) = Loopback.Attach(transport);
        using var sender = Loopback.Sender(family);
        var target = Loopback.TargetOf(transport, family);

        // Sent 250 at a time, each batch collected before the next: up to 1 kB each, a burst of 2000 could overflow
        // the socket buffer of a slow path on a busy machine, and this test is about bytes, not loss.
        var arrivals = new List<Arrival>(count);
        for (var batch = 0; batch < count; batch += 250)
        {
            for (var i = batch; i < batch + 250; i++)
            {
                sender.SendTo(Loopback.Frame(i, 48 + (i % 1000)), target);
            }

            arrivals.AddRange(Loopback.Collect(poller, 250));
        }

        var expectedSource = RawSocketAddress.FromEndPoint((IPEndPoint)sender.LocalEndPoint!, transport.AddressFamily);
        Assert.Equal(Enumerable.Range(0, count), arrivals.Select(a => a.Id).Order());
        Assert.All(arrivals, a => Assert.True(a.BytesIntact));
        Assert.All(arrivals, a => Assert.Equal(48 + (a.Id % 1000), a.Length));
        Assert.All(arrivals, a => Assert.Equal(expectedSource, a.Source));
        Assert.Equal(count, transport.Counters.Received);
        Assert.Equal(0, transport.Counters.DroppedTotal);
    }

    [Theory]
    [MemberData(nameof(ModesAndFamilies))]
    public void Sends_batches_that_a_plain_socket_receives(TransportPath mode, Family family)
    {
        const int count = 300;
        using var transport = Loopback.Open(mode, family);
        using var receiver = Loopback.Receiver(family);
        var destination = RawSocketAddress.FromEndPoint((IPEndPoint)receiver.LocalEndPoint!, transport.AddressFamily);
        var batch = Enumerable.Range(0, count).Select(i => new OutboundDatagram(Loopback.Frame(i, 100), destination)).ToArray();

        var sent = transport.Send(batch);

        Assert.Equal(count, sent);
        var buffer = new byte[2048];
        var source = new SocketAddress(receiver.AddressFamily);
        var ids = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var length = receiver.ReceiveFrom(buffer, SocketFlags.None, source);
            Assert.True(buffer.AsSpan(0, length).SequenceEqual(Loopback.Frame(Loopback.IdOf(buffer), 100)));
            ids.Add(Loopback.IdOf(buffer));
        }

        Assert.Equal(Enumerable.Range(0, count), ids.Order());
        Assert.Equal(count, transport.Counters.Sent);
        Assert.True(transport.Counters.SendBatches <= (mode == TransportPath.LinuxKernelBatch ? 5 : count));
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public void Reuseport_spreads_senders_over_the_sockets_of_one_port(TransportPath mode)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("SO_REUSEPORT load balancing is Linux behaviour.");
        }

        const int senders = 16;
        const int each = 20;
        using var transport = Loopback.Open(mode, Family.IPv4, sockets: 4);
        var (_, poller) = Loopback.Attach(transport);
        var sockets = Enumerable.Range(0, senders).Select(_ => Loopback.Sender(Family.IPv4)).ToArray();
        try
        {
            var target = Loopback.TargetOf(transport, Family.IPv4);
            for (var i = 0; i < senders * each; i++)
            {
                sockets[i % senders].SendTo(Loopback.Frame(i), target);
            }

            var arrivals = Loopback.Collect(poller, senders * each);

            // 16 flows hashed onto 4 sockets all land on one with probability 4 × 4^-16 ≈ 10^-9.
            Assert.Equal(senders * each, arrivals.Count);
            Assert.True(arrivals.Select(a => a.SocketIndex).Distinct().Count() >= 2);
            Assert.All(arrivals, a => Assert.InRange(a.SocketIndex, 0, 3));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public void Bad_datagrams_and_send_errors_are_counted_and_do_not_end_the_loop(TransportPath mode)
    {
        using var transport = Loopback.Open(mode, Family.IPv4);
        var (_, poller) = Loopback.Attach(transport, slotSize: 1500);
        using var sender = Loopback.Sender(Family.IPv4);
        var target = Loopback.TargetOf(transport, Family.IPv4);
        var junk = new byte[200];
        junk[0] = 0xEE;

        sender.SendTo(new byte[2], target);                 // too short
        sender.SendTo(junk, target);                        // neither ELARA nor STUN
        sender.SendTo(Loopback.Frame(-1, 4000), target);    // larger than a slot
        var self = RawSocketAddress.FromEndPoint((IPEndPoint)sender.LocalEndPoint!, transport.AddressFamily);
        var oversize = transport.Send([new OutboundDatagram(new byte[70_000], self), new OutboundDatagram(Loopback.Frame(9), self)]);
        for (var i = 0; i < 10; i++)
        {
            sender.SendTo(Loopback.Frame(i), target);
        }

        var arrivals = Loopback.Collect(poller, 10);

        Assert.Equal(Enumerable.Range(0, 10), arrivals.Select(a => a.Id).Order());
        Assert.Equal(1, transport.Counters.Dropped(DropReason.TooShort));
        Assert.Equal(1, transport.Counters.Dropped(DropReason.NotElaraOrStun));
        Assert.Equal(1, transport.Counters.Dropped(DropReason.TooLarge));
        Assert.Equal(1, oversize);
        Assert.Equal(1, transport.Counters.Dropped(DropReason.SendFailed));
        Assert.Equal(1, transport.Counters.MessageSizeErrors);
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public void Disposal_ends_every_receive_loop_without_waiting_for_the_poll_interval(TransportPath mode)
    {
        // A 30 s receive timeout: only the shutdown wake-up can end the loops before Dispose returns.
        var transport = Loopback.Open(mode, Family.DualModeFromIPv4, sockets: OperatingSystem.IsLinux() ? 2 : 1, pollInterval: TimeSpan.FromSeconds(30));
        Loopback.Attach(transport);
        Assert.True(ActiveLoops(transport) > 0);

        transport.Dispose();

        Assert.Equal(0, ActiveLoops(transport));
    }

    [Theory]
    [InlineData(TransportPath.PortableBlockingThread)]
    [InlineData(TransportPath.LinuxKernelBatch)]
    [InlineData(TransportPath.PortableEventArgs)]
    public void An_idle_socket_holds_no_claim_that_would_stall_another_producer_of_the_ring(TransportPath mode)
    {
        if (mode == TransportPath.LinuxKernelBatch && !OperatingSystem.IsLinux())
        {
            return;
        }

        using var transport = Loopback.Open(mode, Family.IPv4);
        var (ring, poller) = Loopback.Attach(transport);
        using var sender = Loopback.Sender(Family.IPv4);
        var target = Loopback.TargetOf(transport, Family.IPv4);
        sender.SendTo(Loopback.Frame(1), target);
        Assert.Single(Loopback.Collect(poller, 1));

        // The socket is idle now, its receive thread blocked. Another producer (a timer tick, say) publishes:
        // the consumer must see it at once, not when the next datagram arrives.
        Assert.True(ring.TryClaim(1, out var tick));
        Loopback.WriteFrame(ring.GetSlotMemory(tick).Span[..64], 77);
        ref var entry = ref ring.GetEntry(tick);
        entry.Length = 64;
        entry.Kind = DatagramKind.Elara;
        ring.Publish(tick, tick);

        var arrivals = Loopback.Collect(poller, 1);
        Assert.Equal([77], arrivals.Select(a => a.Id));
    }

    [Fact]
    public void Automatic_mode_picks_the_kernel_batch_path_on_linux()
    {
        using var transport = DatagramTransport.Create(new SocketTransportOptions { BindEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });

        Assert.IsType(OperatingSystem.IsLinux() ? typeof(LinuxBatchTransport) : typeof(PortableSocketTransport), transport);
    }

    [Fact]
    public void The_portable_path_blocks_on_a_thread_except_on_windows_where_it_posts_event_args()
    {
        using var transport = DatagramTransport.Create(new SocketTransportOptions { BindEndPoint = new IPEndPoint(IPAddress.Loopback, 0), Mode = SocketTransportMode.Portable });

        var portable = Assert.IsType<PortableSocketTransport>(transport);
        Assert.Equal(OperatingSystem.IsWindows() ? PortableReceiveModel.PostedEventArgs : PortableReceiveModel.BlockingThread, portable.ReceiveModel);
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public void The_transmit_stage_drains_the_egress_ring_in_batches(TransportPath mode)
    {
        const int count = 1000;
        using var transport = Loopback.Open(mode, Family.IPv4);
        using var receiver = Loopback.Receiver(Family.IPv4);
        var destination = RawSocketAddress.FromEndPoint((IPEndPoint)receiver.LocalEndPoint!);
        var egress = new EgressRing(1024);
        using var stage = new TransmitStage(egress, transport);
        stage.Start();

        for (var i = 0; i < count; i++)
        {
            Assert.True(egress.TryEnqueue(Loopback.Frame(i, 80), destination));
        }

        var buffer = new byte[2048];
        var ids = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            var length = receiver.Receive(buffer);
            Assert.Equal(80, length);
            ids.Add(Loopback.IdOf(buffer));
        }

        Assert.Equal(count, ids.Count);
        Assert.Equal(0, egress.Rejected);
    }

    private static int ActiveLoops(IDatagramTransport transport) => transport switch
    {
        LinuxBatchTransport linux => linux.ActiveReceiveLoops,
        PortableSocketTransport portable => portable.ActiveReceiveLoops,
        _ => throw new InvalidOperationException("not a socket transport"),
    };
}
