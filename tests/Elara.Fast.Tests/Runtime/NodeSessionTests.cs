using System.Net;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Runtime;
using Elara.Fast.Sessions;
using Elara.Fast.Transport.InMemory;

namespace Elara.Fast.Tests.Runtime;

/// <summary>Nodes find each other, authenticate, form sessions and move Core events, on the in-memory network.</summary>
public sealed class NodeSessionTests
{
    [Fact]
    public async Task Two_nodes_join_a_session_with_IK_and_see_each_other_as_participants()
    {
        await using var kit = new NodeTestKit();
        var (a, _) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        using var aEvents = a.Subscribe();
        var created = await a.CreateSessionAsync();

        var joined = await b.JoinAsync(created.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());

        Assert.Equal(SessionState.Active, joined.State);
        Assert.True(joined.Participants.ContainsKey(a.NodeId));
        Assert.True(joined.Participants[a.NodeId].IdentityKey.Span.SequenceEqual(a.Identity.PublicKey));
        var seen = await aEvents.WaitForAsync(e => e.Kind == NodeEventKind.ParticipantJoined && e.Peer == b.NodeId, NodeTestKit.Patience);
        Assert.NotNull(seen);
        Assert.True(created.Participants.ContainsKey(b.NodeId));
        Assert.Equal(1, a.Counters.GetHandshakes(HandshakeOutcome.ResponderCompleted));
        Assert.Equal(1, b.Counters.GetHandshakes(HandshakeOutcome.InitiatorCompleted));
    }

    [Fact]
    public async Task A_node_that_does_not_know_the_key_joins_with_XX()
    {
        await using var kit = new NodeTestKit();
        var (a, aHandler) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        var created = await a.CreateSessionAsync();

        var joined = await b.JoinAsync(created.SessionId, a.LocalEndPoint);

        Assert.True(joined.Participants.ContainsKey(a.NodeId));
        Assert.Equal(SendStatus.Queued, joined.TrySendCore(NodeTestKit.Message(42)));
        await NodeTestKit.WaitUntil(() => aHandler.From(b.NodeId).Contains(42), "the message over the XX link", aHandler.Changed);
    }

    [Fact]
    public async Task A_third_node_joins_through_one_member_and_connects_to_every_member()
    {
        await using var kit = new NodeTestKit();
        var (a, aHandler) = await kit.StartAsync();
        var (b, bHandler) = await kit.StartAsync();
        var (c, _) = await kit.StartAsync();
        var session = await a.CreateSessionAsync();
        await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());

        var cSession = await c.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());

        Assert.Equal(new[] { a.NodeId, b.NodeId }.Order(), cSession.Participants.Keys.Order());
        Assert.Equal(SendStatus.Queued, cSession.TrySendCore(NodeTestKit.Message(7)));
        await NodeTestKit.WaitUntil(() => aHandler.From(c.NodeId).Contains(7), "A hears C", aHandler.Changed);
        await NodeTestKit.WaitUntil(() => bHandler.From(c.NodeId).Contains(7), "B hears C directly", bHandler.Changed);
        Assert.True(b.Sessions[session.SessionId].Participants.ContainsKey(c.NodeId));
    }

    [Fact]
    public async Task Core_events_arrive_exactly_once_and_in_each_senders_order_under_loss_and_reordering()
    {
        await using var kit = new NodeTestKit(seed: 11);
        var (a, aHandler) = await kit.StartAsync();
        var (b, bHandler) = await kit.StartAsync();
        var (c, cHandler) = await kit.StartAsync();
        var session = await a.CreateSessionAsync();
        var bSession = await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        var cSession = await c.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        kit.Network.DefaultImpairment = new NetworkImpairment
        {
            LossProbability = 0.05,
            ReorderProbability = 0.1,
            ReorderDelay = TimeSpan.FromMilliseconds(15),
            DuplicateProbability = 0.02,
            Delay = TimeSpan.FromMilliseconds(2),
        };

        const int count = 400;
        for (ulong i = 0; i < count; i++)
        {
            await SendEventually(bSession, i);
            await SendEventually(cSession, 10_000 + i);
            await SendEventually(session, 20_000 + i);
        }

        var expectedB = Enumerable.Range(0, count).Select(i => (ulong)i).ToList();
        var expectedC = expectedB.Select(i => 10_000 + i).ToList();
        var expectedA = expectedB.Select(i => 20_000 + i).ToList();
        await NodeTestKit.WaitUntil(() => aHandler.From(b.NodeId).Count >= count && aHandler.From(c.NodeId).Count >= count, "A has every message", aHandler.Changed);
        await NodeTestKit.WaitUntil(() => bHandler.From(a.NodeId).Count >= count && bHandler.From(c.NodeId).Count >= count, "B has every message", bHandler.Changed);
        await NodeTestKit.WaitUntil(() => cHandler.From(a.NodeId).Count >= count && cHandler.From(b.NodeId).Count >= count, "C has every message", cHandler.Changed);
        Assert.Equal(expectedB, aHandler.From(b.NodeId));
        Assert.Equal(expectedC, aHandler.From(c.NodeId));
        Assert.Equal(expectedA, bHandler.From(a.NodeId));
        Assert.Equal(expectedC, bHandler.From(c.NodeId));
        Assert.Equal(expectedA, cHandler.From(a.NodeId));
        Assert.Equal(expectedB, cHandler.From(b.NodeId));
        Assert.True(kit.Network.Lost > 0, "the network lost nothing, so the test proved nothing");
        Assert.True(a.Counters.CoreMessagesRetransmitted + b.Counters.CoreMessagesRetransmitted + c.Counters.CoreMessagesRetransmitted > 0);
    }

    [Fact]
    public async Task MaxPeers_refuses_the_extra_peer_with_a_reason_the_refused_side_sees()
    {
        await using var kit = new NodeTestKit();
        var (a, _) = await kit.StartAsync(config => config with { MaxPeers = 1 });
        var (b, _) = await kit.StartAsync();
        var (c, _) = await kit.StartAsync();
        using var aEvents = a.Subscribe();
        var session = await a.CreateSessionAsync();
        await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());

        var refused = await Assert.ThrowsAsync<SessionJoinException>(
            () => c.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray()));

        Assert.Equal(LeaveReason.MaxPeers, refused.Reason);
        Assert.False(c.Sessions.ContainsKey(session.SessionId));
        Assert.NotNull(await aEvents.WaitForAsync(e => e.Kind == NodeEventKind.Refused && e.Peer == c.NodeId && e.Reason == LeaveReason.MaxPeers, NodeTestKit.Patience));
        Assert.Single(session.Participants);
    }

    [Fact]
    public async Task Joining_a_session_the_contact_does_not_hold_is_refused_as_unknown()
    {
        await using var kit = new NodeTestKit();
        var (a, _) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();

        var refused = await Assert.ThrowsAsync<SessionJoinException>(
            () => b.JoinAsync(new SessionId(0x1234_5678_9abc), a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray()));

        Assert.Equal(LeaveReason.UnknownSession, refused.Reason);
    }

    [Fact]
    public async Task A_join_nobody_answers_fails_with_a_typed_error()
    {
        await using var kit = new NodeTestKit();
        var (b, _) = await kit.StartAsync(config => config with { JoinTimeout = TimeSpan.FromSeconds(1) });

        var failed = await Assert.ThrowsAsync<SessionJoinException>(
            () => b.JoinAsync(new SessionId(99), new IPEndPoint(IPAddress.Loopback, 9), default));

        Assert.Equal(LeaveReason.HandshakeFailed, failed.Reason);
        Assert.Empty(b.Sessions);
    }

    [Fact]
    public async Task A_silent_peer_times_out_and_its_participant_is_removed()
    {
        await using var kit = new NodeTestKit();
        var (a, _) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        using var aEvents = a.Subscribe();
        var session = await a.CreateSessionAsync();
        await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        Assert.NotNull(await aEvents.WaitForAsync(e => e.Kind == NodeEventKind.ParticipantJoined, NodeTestKit.Patience));

        // B falls silent: everything it sends to A is lost from now on.
        kit.Network.SetLink(b.LocalEndPoint, a.LocalEndPoint, new NetworkImpairment { LossProbability = 1 });

        var timedOut = await aEvents.WaitForAsync(e => e.Kind == NodeEventKind.ParticipantTimedOut && e.Peer == b.NodeId, NodeTestKit.Patience);
        Assert.NotNull(timedOut);
        Assert.Empty(session.Participants);
        Assert.Equal(0, a.PeerCount);
        Assert.Equal(1, a.Counters.PeerTimeouts);
    }

    [Fact]
    public async Task A_participant_that_leaves_says_goodbye_and_is_removed_at_once()
    {
        await using var kit = new NodeTestKit();
        var (a, _) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        using var aEvents = a.Subscribe();
        var session = await a.CreateSessionAsync();
        var bSession = await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        Assert.NotNull(await aEvents.WaitForAsync(e => e.Kind == NodeEventKind.ParticipantJoined, NodeTestKit.Patience));

        await bSession.LeaveAsync();

        Assert.Equal(SessionState.Closed, bSession.State);
        Assert.NotNull(await aEvents.WaitForAsync(e => e.Kind == NodeEventKind.ParticipantLeft && e.Peer == b.NodeId, NodeTestKit.Patience));
        Assert.Empty(session.Participants);
        Assert.Equal(SendStatus.Closed, bSession.TrySendCore(NodeTestKit.Message(1)));
    }

    [Fact]
    public async Task A_restarted_node_with_the_same_identity_rejoins_and_traffic_flows_both_ways()
    {
        await using var kit = new NodeTestKit();
        using var identity = NodeIdentity.Generate();
        var (a, aHandler) = await kit.StartAsync();
        var session = await a.CreateSessionAsync();
        var (b1, _) = await kit.StartAsync(identity: identity);
        var first = await b1.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        for (ulong i = 0; i < 20; i++)
        {
            await SendEventually(first, i);
        }

        await NodeTestKit.WaitUntil(() => aHandler.From(identity.NodeId).Count == 20, "the first incarnation's messages", aHandler.Changed);

        // A crash: the node vanishes without a goodbye, and a new process with the same identity comes back.
        kit.Network.SetLink(b1.LocalEndPoint, a.LocalEndPoint, new NetworkImpairment { LossProbability = 1 });
        await b1.DisposeAsync();
        var (b2, b2Handler) = await kit.StartAsync(identity: identity);
        var second = await b2.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());

        await SendEventually(second, 100);
        await SendEventually(session, 200);
        await NodeTestKit.WaitUntil(() => aHandler.From(identity.NodeId).Contains(100), "A hears the restarted node", aHandler.Changed);
        await NodeTestKit.WaitUntil(() => b2Handler.From(a.NodeId).Contains(200), "the restarted node hears A", b2Handler.Changed);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (ulong)i).Append(100UL), aHandler.From(identity.NodeId));
        Assert.Equal(b2.LocalEndPoint, session.Participants[identity.NodeId].EndPoint);
    }

    [Fact]
    public async Task Rekey_under_traffic_loses_nothing()
    {
        await using var kit = new NodeTestKit();
        var (a, aHandler) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        var session = await a.CreateSessionAsync();
        var bSession = await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        using var bEvents = b.Subscribe();

        const int count = 600;
        for (ulong i = 0; i < count; i++)
        {
            await SendEventually(bSession, i);
            if (i is 100 or 300 or 500)
            {
                // The rekey runs while the messages just sent are still in flight and retransmitting.
                await b.RekeyNowForTest();
                Assert.NotNull(await bEvents.WaitForAsync(e => e.Kind == NodeEventKind.Rekeyed && e.Peer == a.NodeId, NodeTestKit.Patience));
            }
        }

        await NodeTestKit.WaitUntil(() => aHandler.From(b.NodeId).Count >= count, "every message across three rekeys", aHandler.Changed);
        Assert.Equal(Enumerable.Range(0, count).Select(i => (ulong)i), aHandler.From(b.NodeId));
        Assert.Equal(3, b.Counters.LinkRekeys);
        Assert.True(a.Counters.LinkRekeys >= 3, $"rekeys at the responder: {a.Counters.LinkRekeys}");

        // And traffic still flows under the newest keys, both ways.
        await SendEventually(bSession, 9999);
        await SendEventually(session, 8888);
        await NodeTestKit.WaitUntil(() => aHandler.From(b.NodeId).Contains(9999), "a message after the last rekey", aHandler.Changed);
    }

    [Fact]
    public async Task State_set_before_a_join_reaches_the_joiner_through_reconciliation()
    {
        await using var kit = new NodeTestKit();
        var (a, _) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        var session = await a.CreateSessionAsync();
        Assert.Equal(SendStatus.Queued, session.TryUpdateState(new StateId(5), "the topic"u8));
        await NodeTestKit.WaitUntilAsync(async () => await session.ReadStateAsync(new StateId(5)) is not null, "A applied its own state");

        var bSession = await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());

        await NodeTestKit.WaitUntilAsync(async () => await bSession.ReadStateAsync(new StateId(5)) is { } value && value.AsSpan().SequenceEqual("the topic"u8), "B reconciled the atom");

        // And an update after the join travels as an event.
        Assert.Equal(SendStatus.Queued, session.TryUpdateState(new StateId(5), "a new topic"u8));
        await NodeTestKit.WaitUntilAsync(async () => await bSession.ReadStateAsync(new StateId(5)) is { } value && value.AsSpan().SequenceEqual("a new topic"u8), "B applied the update");
    }

    [Fact]
    public async Task Applications_cannot_send_the_protocols_own_events_or_oversized_payloads()
    {
        await using var kit = new NodeTestKit();
        var (a, _) = await kit.StartAsync();
        var session = await a.CreateSessionAsync();
        var buffer = new byte[64];
        var writer = new Elara.Fast.Wire.EventBlockWriter(buffer);
        writer.TryAppend(EventType.SessionLeave, default, default, Elara.Fast.Wire.Mutation.Set([0]));

        Assert.Equal(SendStatus.Malformed, session.TrySendCore(writer.Written));
        Assert.Equal(SendStatus.Malformed, session.TrySendCore([1, 2, 3]));
        Assert.Equal(SendStatus.TooLarge, session.TrySendCore(new byte[5000]));
        Assert.Equal(SendStatus.Malformed, session.TrySend(PacketClass.Core, RepresentationProfile.Textual, NodeTestKit.Message(1)));
        Assert.Equal(SendStatus.Sent, session.TrySend(PacketClass.Perceptual, RepresentationProfile.VoiceStandard, NodeTestKit.Message(1)));
    }

    [Fact]
    public async Task DisposeAsync_returns_promptly_with_peers_connected_and_they_see_the_goodbye()
    {
        await using var kit = new NodeTestKit();
        var (a, _) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        var (c, _) = await kit.StartAsync();
        var session = await a.CreateSessionAsync();
        await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        await c.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        using var bEvents = b.Subscribe();

        await a.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var left = await bEvents.WaitForAsync(e => e.Kind == NodeEventKind.ParticipantLeft && e.Peer == a.NodeId, NodeTestKit.Patience);
        Assert.NotNull(left);
        Assert.Equal(LeaveReason.ShuttingDown, left.Value.Reason);
        await Assert.ThrowsAnyAsync<Exception>(() => a.CreateSessionAsync());
    }

    /// <summary>Sends, retrying while the node reports back-pressure (bounded).</summary>
    internal static async Task SendEventually(Session session, ulong number)
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var status = session.TrySendCore(NodeTestKit.Message(number));
            if (status == SendStatus.Queued)
            {
                return;
            }

            Assert.Equal(SendStatus.RingFull, status);
            await Task.Yield();
        }

        Assert.Fail("the node never took the message");
    }
}
