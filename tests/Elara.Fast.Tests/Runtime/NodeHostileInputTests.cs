using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Elara.Fast.Primitives;
using Elara.Fast.Runtime;
using Elara.Fast.Sessions;
using Elara.Fast.Transport;
using Elara.Fast.Transport.InMemory;

namespace Elara.Fast.Tests.Runtime;

/// <summary>Floods, replays, forgeries and roaming: hostile input changes counters only; a roaming peer keeps its session.</summary>
public sealed class NodeHostileInputTests
{
    [Fact]
    public async Task Floods_of_random_datagrams_replays_forged_handshakes_and_unknown_sessions_change_only_counters()
    {
        await using var kit = new NodeTestKit(seed: 3);
        var tap = new TapTransport(kit.Network.CreateEndpoint());
        var (a, aHandler) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync(config => config with { TransportFactory = _ => tap });
        var session = await a.CreateSessionAsync();
        var bSession = await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        for (ulong i = 0; i < 50; i++)
        {
            await NodeSessionTests.SendEventually(bSession, i);
        }

        await NodeTestKit.WaitUntil(() => aHandler.From(b.NodeId).Count == 50, "the honest traffic", aHandler.Changed);
        var captured = tap.Sent.ToArray();
        Assert.NotEmpty(captured);
        var peersBefore = a.PeerCount;
        var gcBefore = GC.GetTotalMemory(forceFullCollection: true);

        var arrivedBefore = a.TransportCounters.Received + a.TransportCounters.DroppedTotal;
        using var attacker = kit.Network.CreateEndpoint();
        var target = RawSocketAddress.FromEndPoint(a.LocalEndPoint);
        var random = new Random(1234);
        var datagram = new byte[1400];
        var sent = 0;
        for (var round = 0; round < 20_000; round++)
        {
            int length;
            switch (round % 5)
            {
                case 0: // random bytes, random length
                    length = random.Next(1, datagram.Length);
                    random.NextBytes(datagram.AsSpan(0, length));
                    break;
                case 1: // a replay of a real frame of B's
                    var frame = captured[random.Next(captured.Length)];
                    frame.CopyTo(datagram, 0);
                    length = frame.Length;
                    break;
                case 2: // a forged handshake initiation (right marker and length, garbage inside)
                    length = 276;
                    random.NextBytes(datagram.AsSpan(0, length));
                    datagram[0] = 0;
                    datagram[1] = 0;
                    BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(2), 30);
                    datagram[20] = (byte)PacketClass.Core;
                    datagram[21] = 0xFF;
                    datagram[30] = 1; // Initiation
                    datagram[31] = 1; // IK
                    break;
                case 3: // a well-formed header for a session nobody holds
                    length = 200;
                    random.NextBytes(datagram.AsSpan(0, length));
                    datagram[0] = 0;
                    datagram[1] = 0;
                    BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(2), 30);
                    datagram[20] = (byte)random.Next(0, 5);
                    datagram[21] = 0x11;
                    break;
                default: // a real frame of B's under a fresh counter with one flipped bit: a forgery under B's identity
                    var original = captured[random.Next(captured.Length)];
                    original.CopyTo(datagram, 0);
                    length = original.Length;
                    BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(28), (ushort)random.Next(1000, 60000));
                    datagram[random.Next(30, length)] ^= (byte)(1 << random.Next(8));
                    break;
            }

            attacker.Send([new OutboundDatagram(datagram.AsMemory(0, length).ToArray(), target)]);
            sent++;
        }

        await NodeTestKit.WaitUntil(
            () => a.TransportCounters.Received + a.TransportCounters.DroppedTotal >= arrivedBefore + sent && a.IngressLag == 0, "the flood was processed", aHandler.Changed);

        // Nothing changed but counters: the same peers and participants, nothing delivered twice, no fault.
        Assert.Equal(peersBefore, a.PeerCount);
        Assert.Single(session.Participants);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (ulong)i), aHandler.From(b.NodeId));
        Assert.Equal(0, a.Counters.FrameHandlerFaults);
        Assert.True(a.Counters.GetDropped(NodeDropReason.Replay) > 0, "replays were not counted as replays");
        Assert.True(a.Counters.GetDropped(NodeDropReason.DecryptFailed) > 0, "forgeries were not counted");
        Assert.True(a.Counters.GetDropped(NodeDropReason.UnknownSession) > 0, "unknown sessions were not counted");
        Assert.True(a.Counters.GetDropped(NodeDropReason.HandshakeRejected) > 0, "forged handshakes were not counted");
        Assert.True(a.Counters.DroppedTotal + a.TransportCounters.DroppedTotal >= sent * 9 / 10, $"only {a.Counters.DroppedTotal} of {sent} were dropped");
        var gcAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(gcAfter - gcBefore < 64L << 20, $"the heap grew by {(gcAfter - gcBefore) >> 20} MiB under the flood");

        // And the honest link still works afterwards.
        await NodeSessionTests.SendEventually(bSession, 777);
        await NodeTestKit.WaitUntil(() => aHandler.From(b.NodeId).Contains(777), "a message after the flood", aHandler.Changed);
    }

    [Fact]
    public async Task A_peer_that_changes_its_port_mid_session_keeps_its_session_and_its_traffic()
    {
        await using var kit = new NodeTestKit();
        var roaming = new RoamingTransport(kit.Network.CreateEndpoint(), kit.Network.CreateEndpoint());
        var (a, aHandler) = await kit.StartAsync();
        var (b, bHandler) = await kit.StartAsync(config => config with { TransportFactory = _ => roaming });
        using var aEvents = a.Subscribe();
        var session = await a.CreateSessionAsync();
        var bSession = await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        await NodeSessionTests.SendEventually(bSession, 1);
        await NodeTestKit.WaitUntil(() => aHandler.From(b.NodeId).Contains(1), "traffic from the first port", aHandler.Changed);

        roaming.Switch(); // a NAT rebinding: B's datagrams now leave from another port

        await NodeSessionTests.SendEventually(bSession, 2);
        var roamed = await aEvents.WaitForAsync(e => e.Kind == NodeEventKind.PeerRoamed && e.Peer == b.NodeId, NodeTestKit.Patience);
        Assert.NotNull(roamed);
        Assert.Equal(roaming.Second.LocalEndPoint, roamed.Value.EndPoint);
        Assert.Equal(roaming.Second.LocalEndPoint, session.Participants[b.NodeId].EndPoint);
        await NodeSessionTests.SendEventually(session, 3);
        await NodeTestKit.WaitUntil(() => bHandler.From(a.NodeId).Contains(3), "A's reply reaches the new port", bHandler.Changed);
        await NodeTestKit.WaitUntil(() => aHandler.From(b.NodeId).Contains(2), "traffic from the new port", aHandler.Changed);
        Assert.Equal(1, a.Counters.PeerRoams);
    }

    /// <summary>Records every datagram it sends (an attacker's view of the wire), otherwise passes through.</summary>
    private sealed class TapTransport(InMemoryTransport inner) : IDatagramTransport
    {
        public ConcurrentQueue<byte[]> Sent { get; } = new();

        public IPEndPoint LocalEndPoint => inner.LocalEndPoint;

        public AddressFamily AddressFamily => inner.AddressFamily;

        public TransportCounters Counters => inner.Counters;

        public void Start(IIngressSink sink) => ((IDatagramTransport)inner).Start(sink);

        public int Send(ReadOnlySpan<OutboundDatagram> datagrams)
        {
            foreach (var datagram in datagrams)
            {
                if (Sent.Count < 10_000)
                {
                    Sent.Enqueue(datagram.Payload.ToArray());
                }
            }

            return inner.Send(datagrams);
        }

        public void Dispose() => inner.Dispose();
    }

    /// <summary>Two endpoints behind one transport: it receives on both and sends from the first until <see cref="Switch"/>.</summary>
    private sealed class RoamingTransport(InMemoryTransport first, InMemoryTransport second) : IDatagramTransport
    {
        private volatile bool _switched;

        public InMemoryTransport Second => second;

        public IPEndPoint LocalEndPoint => first.LocalEndPoint;

        public AddressFamily AddressFamily => first.AddressFamily;

        public TransportCounters Counters => first.Counters;

        public void Switch() => _switched = true;

        public void Start(IIngressSink sink)
        {
            ((IDatagramTransport)first).Start(sink);
            ((IDatagramTransport)second).Start(sink);
        }

        public int Send(ReadOnlySpan<OutboundDatagram> datagrams) => (_switched ? second : first).Send(datagrams);

        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
