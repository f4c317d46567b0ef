using System.Buffers.Binary;
using Elara.Fast.Primitives;
using Elara.Fast.Runtime;
using Elara.Fast.Sessions;
using Elara.Fast.Tests.Runtime;
using Elara.Fast.Transport.InMemory;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Sessions;

/// <summary>Streams, text, typing, presence and the feed between real nodes on the in-memory network.</summary>
public sealed class StreamTests
{
    private static readonly NetworkImpairment Lossy = new()
    {
        LossProbability = 0.05,
        ReorderProbability = 0.1,
        ReorderDelay = TimeSpan.FromMilliseconds(15),
        DuplicateProbability = 0.02,
        Delay = TimeSpan.FromMilliseconds(2),
    };

    [Fact]
    public async Task Chat_arrives_exactly_once_in_each_authors_order_under_loss_and_reordering()
    {
        await using var kit = new NodeTestKit(seed: 21);
        var (nodes, sessions) = await ThreeNodes(kit);
        var text = await StartStream(sessions[0], StreamKind.Text);
        await WaitForStream(sessions, text);
        kit.Network.DefaultImpairment = Lossy;

        const int count = 60;
        for (var i = 0; i < count; i++)
        {
            for (var n = 0; n < 3; n++)
            {
                await Eventually(() => sessions[n].TrySendText(text, $"{n}:{i}", out _));
            }
        }

        foreach (var session in sessions)
        {
            var page = await WaitForFeed(session, p => p.Items.Count(item => item.Kind == FeedItemKind.Text) >= 3 * count, "every message on every node");
            for (var n = 0; n < 3; n++)
            {
                var mine = page.Items.Where(item => item.Kind == FeedItemKind.Text && item.Message.Author == nodes[n].NodeId).Select(item => item.Text).ToList();
                Assert.Equal(Enumerable.Range(0, count).Select(i => $"{n}:{i}"), mine);
            }

            Assert.Equal(3 * count, page.Items.Count(item => item.Kind == FeedItemKind.Text));
        }

        Assert.True(kit.Network.Lost > 0, "the network lost nothing, so the test proved nothing");
    }

    [Fact]
    public async Task Only_the_author_edits_or_deletes_and_the_latest_edit_wins()
    {
        await using var kit = new NodeTestKit(seed: 22);
        var (nodes, sessions) = await TwoNodes(kit);
        var text = await StartStream(sessions[0], StreamKind.Text);
        await WaitForStream(sessions, text);
        await Eventually(() => sessions[0].TrySendText(text, "first", out _));
        var message = (await WaitForFeed(sessions[1], p => p.Items.Any(i => i.Text == "first"), "B has A's message")).Items.Single(i => i.Text == "first").Message;

        // B edits A's message: refused where B applies it, counted, and never sent.
        Assert.Equal(SendStatus.Queued, sessions[1].TryEditText(text, message, "forged"));
        Assert.Equal(SendStatus.Queued, sessions[1].TryDeleteText(text, message));
        await NodeTestKit.WaitUntil(() => nodes[1].Counters.GetDropped(NodeDropReason.NotAuthor) == 2, "B refuses its own edit and delete of A's message");

        await Eventually(() => sessions[0].TryEditText(text, message, "second"));
        await Eventually(() => sessions[0].TryEditText(text, message, "third"));
        foreach (var session in sessions)
        {
            await NodeTestKit.WaitUntilAsync(async () => (await session.ReadMessageAsync(message))?.Text == "third", "the latest edit everywhere");
            var item = await session.ReadMessageAsync(message);
            Assert.True(item!.Edited);
            Assert.False(item.Deleted);
        }

        Assert.Equal(0, nodes[0].Counters.GetDropped(NodeDropReason.NotAuthor));

        await Eventually(() => sessions[0].TryDeleteText(text, message));
        foreach (var session in sessions)
        {
            await NodeTestKit.WaitUntilAsync(async () => (await session.ReadMessageAsync(message))?.Deleted == true, "a tombstone everywhere");
            var page = await session.ReadFeedAsync();
            var tombstone = page.Items.Single(i => i.Message == message);
            Assert.Equal(string.Empty, tombstone.Text);
            Assert.Equal(page.Items.Single(i => i.Kind == FeedItemKind.StreamStarted).Sequence + 1, tombstone.Sequence); // it keeps its place
        }
    }

    [Fact]
    public async Task Reactions_are_one_per_node_per_key_and_removable()
    {
        await using var kit = new NodeTestKit(seed: 23);
        var (nodes, sessions) = await ThreeNodes(kit);
        var text = await StartStream(sessions[0], StreamKind.Text);
        await WaitForStream(sessions, text);
        await Eventually(() => sessions[0].TrySendText(text, "react to me", out _));
        MessageRef message = default;
        foreach (var session in sessions)
        {
            message = (await WaitForFeed(session, p => p.Items.Any(i => i.Text == "react to me"), "the message everywhere")).Items.Single(i => i.Kind == FeedItemKind.Text).Message;
        }

        await Eventually(() => sessions[1].TryReact(text, message, "+1"));
        await Eventually(() => sessions[1].TryReact(text, message, "+1")); // the same again: no second reaction
        await Eventually(() => sessions[1].TryReact(text, message, "heart"));
        await Eventually(() => sessions[2].TryReact(text, message, "+1"));
        await Eventually(() => sessions[1].TryReact(text, message, "heart", add: false));

        var expected = new[] { (nodes[1].NodeId, "+1"), (nodes[2].NodeId, "+1") }.OrderBy(r => r.NodeId.Value).ToList();
        foreach (var session in sessions)
        {
            await NodeTestKit.WaitUntilAsync(
                async () => (await session.ReadMessageAsync(message))!.Reactions.Select(r => (r.Reactor, r.Key)).OrderBy(r => r.Reactor.Value).SequenceEqual(expected),
                "B's and C's +1, and nothing else, on every node");
        }
    }

    [Fact]
    public async Task Typing_expires_after_its_TTL_and_stops_when_told()
    {
        await using var kit = new NodeTestKit(seed: 24);
        var (nodes, sessions) = await TwoNodes(kit, config => config with { TypingTimeout = TimeSpan.FromMilliseconds(400) });
        var text = await StartStream(sessions[0], StreamKind.Text);
        await WaitForStream(sessions, text);

        await Eventually(() => sessions[1].TrySetTyping(text, true));
        await NodeTestKit.WaitUntilAsync(async () => (await sessions[0].ReadTypingAsync(text)).Contains(nodes[1].NodeId), "A sees B typing");
        var seen = DateTime.UtcNow;
        await NodeTestKit.WaitUntilAsync(async () => (await sessions[0].ReadStreamStatisticsAsync()).TypingIndicators == 0, "B's indicator expires on A");
        Assert.True(DateTime.UtcNow - seen > TimeSpan.FromMilliseconds(200), "the indicator went before its TTL");
        Assert.Empty(await sessions[0].ReadTypingAsync(text));

        await Eventually(() => sessions[1].TrySetTyping(text, true));
        await NodeTestKit.WaitUntilAsync(async () => (await sessions[0].ReadTypingAsync(text)).Count == 1, "typing again");
        await Eventually(() => sessions[1].TrySetTyping(text, false));
        await NodeTestKit.WaitUntilAsync(async () => (await sessions[0].ReadTypingAsync(text)).Count == 0, "an explicit stop");

        await Eventually(() => sessions[1].TrySetTyping(text, true));
        await NodeTestKit.WaitUntilAsync(async () => (await sessions[0].ReadTypingAsync(text)).Count == 1, "typing once more");
        await Eventually(() => sessions[1].TrySendText(text, "done", out _));
        await NodeTestKit.WaitUntilAsync(async () => (await sessions[0].ReadTypingAsync(text)).Count == 0, "a message ends typing");
    }

    [Fact]
    public async Task Presence_converges_on_three_nodes_under_loss_and_reordering()
    {
        await using var kit = new NodeTestKit(seed: 25);
        var (nodes, sessions) = await ThreeNodes(kit);
        kit.Network.DefaultImpairment = Lossy;
        var states = new[] { Availability.Online, Availability.Away, Availability.Busy };
        for (var round = 0; round < 20; round++)
        {
            for (var n = 0; n < 3; n++)
            {
                await Eventually(() => sessions[n].TrySetPresence(states[(round + n) % 3], $"round {round}"));
            }
        }

        var expected = Enumerable.Range(0, 3).Select(n => (nodes[n].NodeId, states[(19 + n) % 3], "round 19")).OrderBy(e => e.NodeId.Value).ToList();
        foreach (var session in sessions)
        {
            await NodeTestKit.WaitUntilAsync(
                async () => (await session.ReadPresenceAsync()).Select(p => (p.Node, p.Availability, p.Status)).SequenceEqual(expected),
                "every node's last presence on every node");
        }

        Assert.True(kit.Network.Lost > 0);
    }

    [Fact]
    public async Task A_late_joiner_reads_the_whole_feed_then_follows_it_live_without_a_gap_or_a_duplicate()
    {
        await using var kit = new NodeTestKit(seed: 26);
        var (a, _) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        var (d, _) = await kit.StartAsync();
        var aSession = await a.CreateSessionAsync();
        var bSession = await Join(b, a, aSession);
        var dSession = await Join(d, a, aSession);
        var text = await StartStream(aSession, StreamKind.Text);
        await WaitForStream([aSession, bSession, dSession], text);
        for (var i = 0; i < 30; i++)
        {
            await Eventually(() => aSession.TrySendText(text, $"a{i}", out _));
            await Eventually(() => bSession.TrySendText(text, $"b{i}", out _));
            await Eventually(() => dSession.TrySendText(text, $"d{i}", out _));
        }

        MessageRef edited = default;
        await Eventually(() => dSession.TrySendText(text, "d-edited", out edited));
        await Eventually(() => dSession.TryEditText(text, edited, "d-final"));
        await WaitForFeed(aSession, p => p.Items.Count(i => i.Kind == FeedItemKind.Text) == 91 && p.Items.Any(i => i.Text == "d-final"), "A has all 91");
        await WaitForFeed(bSession, p => p.Items.Count(i => i.Kind == FeedItemKind.Text) == 91, "B has all 91");
        await dSession.LeaveAsync(); // D's history now lives only in A's and B's feeds

        var (c, _) = await kit.StartAsync();
        var cSession = await Join(c, a, aSession);
        using var cancel = new CancellationTokenSource(NodeTestKit.Patience);
        var reader = cSession.FollowFeed(1, capacity: 16, cancel.Token);

        // Live traffic while the history is still arriving.
        for (var i = 30; i < 40; i++)
        {
            await Eventually(() => aSession.TrySendText(text, $"a{i}", out _));
            await Eventually(() => bSession.TrySendText(text, $"b{i}", out _));
        }

        var seen = new List<FeedEntry>();
        var expected = Enumerable.Range(0, 40).Select(i => $"a{i}").Concat(Enumerable.Range(0, 40).Select(i => $"b{i}"))
            .Concat(Enumerable.Range(0, 30).Select(i => $"d{i}")).Append("d-final").ToHashSet();
        while (seen.Count(e => e.Change == FeedChange.Appended && e.Item.Kind == FeedItemKind.Text) < expected.Count)
        {
            seen.Add(await reader.ReadAsync(cancel.Token));
        }

        var texts = seen.Where(e => e.Change == FeedChange.Appended && e.Item.Kind == FeedItemKind.Text).Select(e => e.Item.Text).ToList();
        Assert.Equal(expected.Count, texts.Count);
        Assert.True(expected.SetEquals(texts), "the follower missed something or saw something twice");
        var sequences = seen.Where(e => e.Change == FeedChange.Appended).Select(e => e.Item.Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences); // backfill then live: one ascending run
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.All(seen.Where(e => e.Item.Kind == FeedItemKind.Text && e.Item.Text.StartsWith('d')), e => Assert.True(e.Item.Relayed));
        Assert.All(seen.Where(e => e.Item.Kind == FeedItemKind.Text && e.Item.Text.StartsWith('a')), e => Assert.False(e.Item.Relayed));
        var aMine = texts.Where(t => t.StartsWith('a')).ToList();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"a{i}"), aMine); // each author's order holds through history and live
    }

    [Fact]
    public async Task Leave_and_timeout_release_every_stream_typing_indicator_of_the_owner()
    {
        await using var kit = new NodeTestKit(seed: 27);
        var (a, _) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        var (c, _) = await kit.StartAsync();
        using var events = a.Subscribe();
        var aSession = await a.CreateSessionAsync();
        var bSession = await Join(b, a, aSession);
        var cSession = await Join(c, a, aSession);
        var bText = await StartStream(bSession, StreamKind.Text);
        var bVoice = await StartStream(bSession, StreamKind.Voice);
        var cText = await StartStream(cSession, StreamKind.Text);
        await WaitForStream([aSession], bText, bVoice, cText);
        await Eventually(() => bSession.TrySetTyping(cText, true));
        await Eventually(() => cSession.TrySetTyping(bText, true));
        await NodeTestKit.WaitUntilAsync(async () => (await aSession.ReadStreamStatisticsAsync()).TypingIndicators == 2, "two typing indicators on A");
        Assert.Equal(3, (await aSession.ReadStreamStatisticsAsync()).Streams);

        await bSession.LeaveAsync();
        Assert.NotNull(await events.WaitForAsync(e => e.Kind == NodeEventKind.ParticipantLeft && e.Peer == b.NodeId, NodeTestKit.Patience));
        var afterLeave = await aSession.ReadStreamStatisticsAsync();
        Assert.Equal(1, afterLeave.Streams); // C's text stream
        Assert.Equal(0, afterLeave.TypingIndicators); // B's own, and C's in B's stream
        Assert.Equal([cText], aSession.Streams.Keys);
        Assert.Equal(Availability.Offline, (await aSession.ReadPresenceAsync()).SingleOrDefault(p => p.Node == b.NodeId)?.Availability ?? Availability.Offline);

        await Eventually(() => cSession.TrySetTyping(cText, true));
        await NodeTestKit.WaitUntilAsync(async () => (await aSession.ReadStreamStatisticsAsync()).TypingIndicators == 1, "C types");
        kit.Network.SetLink(c.LocalEndPoint, a.LocalEndPoint, new NetworkImpairment { LossProbability = 1 });
        Assert.NotNull(await events.WaitForAsync(e => e.Kind == NodeEventKind.ParticipantTimedOut && e.Peer == c.NodeId, NodeTestKit.Patience));
        var afterTimeout = await aSession.ReadStreamStatisticsAsync();
        Assert.Equal(0, afterTimeout.Streams);
        Assert.Equal(0, afterTimeout.TypingIndicators);
        Assert.Empty(aSession.Streams);
        var feed = await aSession.ReadFeedAsync();
        Assert.Equal(3, feed.Items.Count(i => i.Kind == FeedItemKind.StreamEnded)); // the ends are in the history
    }

    [Fact]
    public async Task A_hostile_peer_changes_counters_only()
    {
        await using var kit = new NodeTestKit(seed: 28);
        var (nodes, sessions) = await TwoNodes(kit);
        var (a, b) = (nodes[0], nodes[1]);
        var text = await StartStream(sessions[0], StreamKind.Text);
        var voice = await StartStream(sessions[0], StreamKind.Voice);
        await WaitForStream(sessions, text, voice);
        await Eventually(() => sessions[0].TrySendText(text, "original", out _));
        var message = (await WaitForFeed(sessions[1], p => p.Items.Any(i => i.Text == "original"), "B has it")).Items.Single(i => i.Text == "original").Message;
        var before = await sessions[0].ReadFeedAsync();
        b.SendsUncheckedStreamEvents = true;

        var hostile = new List<(byte[] Blocks, NodeDropReason Reason)>
        {
            (Block(EventType.TextAppend, text.Value, new byte[5]), NodeDropReason.StreamEventInvalid), // shorter than its header
            (Block(EventType.TextAppend, 0xDEAD, TextBody(1, "to nowhere")), NodeDropReason.UnknownStream),
            (Block(EventType.TextAppend, voice.Value, TextBody(2, "wrong kind")), NodeDropReason.StreamEventInvalid),
            (Block(EventType.TextAppend, text.Value, TextBody(3, new string('x', StreamLimits.MaxTextBytes + 1))), NodeDropReason.ItemTooLarge),
            (Block(EventType.TextAppend, text.Value, [.. TextBody(4, string.Empty), 0xC3, 0x28]), NodeDropReason.StreamEventInvalid), // invalid UTF-8
            (EditBody(text, message, "forged"), NodeDropReason.NotAuthor),
            (Block(EventType.TextDelete, text.Value, RefBody(message, 8)), NodeDropReason.NotAuthor),
            (Block(EventType.TextReact, text.Value, [.. RefBody(new MessageRef(a.NodeId, new MessageId(999)), 0), 1, (byte)'x']), NodeDropReason.UnknownMessage),
            (Block(EventType.StreamEnd, text.Value, []), NodeDropReason.NotAuthor), // ending A's stream
            (Block(EventType.StreamStart, text.Value, [(byte)StreamKind.Text]), NodeDropReason.DuplicateItem), // taking A's stream id
            (Block(EventType.StreamStart, 77, [9]), NodeDropReason.StreamEventInvalid), // no such kind
            (Block(EventType.PresenceUpdate, 0, [7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), NodeDropReason.StreamEventInvalid),
            (Block(EventType.FeedAppend, text.Value, new byte[20]), NodeDropReason.StreamEventInvalid),
        };
        var expected = new Dictionary<NodeDropReason, long>();
        foreach (var (blocks, reason) in hostile)
        {
            await Eventually(() => sessions[1].TrySendCore(blocks));
            expected[reason] = expected.GetValueOrDefault(reason) + 1;
        }

        await Eventually(() => sessions[1].TrySendText(text, "still works", out _));
        await WaitForFeed(sessions[0], p => p.Items.Any(i => i.Text == "still works"), "a good message after the bad ones");
        foreach (var (reason, count) in expected)
        {
            Assert.Equal(count, a.Counters.GetDropped(PacketClass.Core, reason));
        }

        var after = await sessions[0].ReadFeedAsync();
        Assert.Equal(before.Items.Count + 1, after.Items.Count); // only the good message
        Assert.Equal("original", (await sessions[0].ReadMessageAsync(message))!.Text);
        Assert.Equal(2, (await sessions[0].ReadStreamStatisticsAsync()).Streams);
        Assert.Equal(0, a.Counters.FrameHandlerFaults);
    }

    [Fact]
    public async Task The_feed_is_bounded_by_count_evicts_the_oldest_and_pages_both_ways()
    {
        await using var kit = new NodeTestKit(seed: 29);
        var (_, sessions) = await TwoNodes(kit, config => config with { FeedMaxItems = 20 });
        var text = await StartStream(sessions[0], StreamKind.Text);
        await WaitForStream(sessions, text);
        for (var i = 0; i < 50; i++)
        {
            await Eventually(() => sessions[0].TrySendText(text, $"m{i}", out _));
        }

        foreach (var session in sessions)
        {
            await WaitForFeed(session, p => p.Items.Any(i => i.Text == "m49"), "the last message");
            var stats = await session.ReadStreamStatisticsAsync();
            Assert.Equal(20, stats.FeedItems);
            Assert.Equal(31, stats.FeedEvicted); // 51 items (the stream marker and 50 messages) in a window of 20
            Assert.Equal(20, stats.MessagesIndexed);

            var forward = await session.ReadFeedAsync(1, 8);
            Assert.Equal(32, forward.Oldest);
            Assert.Equal(51, forward.Newest);
            Assert.Equal(Enumerable.Range(30, 8).Select(i => $"m{i}"), forward.Items.Select(i => i.Text));
            var next = await session.ReadFeedAsync(forward.Next, 100);
            Assert.Equal(Enumerable.Range(38, 12).Select(i => $"m{i}"), next.Items.Select(i => i.Text));

            var backward = await session.ReadFeedAsync(long.MaxValue, 5, FeedDirection.Backward);
            Assert.Equal(Enumerable.Range(45, 5).Reverse().Select(i => $"m{i}"), backward.Items.Select(i => i.Text));
            var older = await session.ReadFeedAsync(backward.Next, 100, FeedDirection.Backward);
            Assert.Equal(15, older.Items.Count);
            Assert.Equal("m30", older.Items[^1].Text);
        }
    }

    [Fact]
    public async Task A_follower_that_does_not_read_is_told_it_is_too_slow()
    {
        await using var kit = new NodeTestKit(seed: 30);
        var (_, sessions) = await TwoNodes(kit, config => config with { FeedFollowerBacklog = 8 });
        var text = await StartStream(sessions[0], StreamKind.Text);
        await WaitForStream(sessions, text);
        var reader = sessions[1].FollowFeed(1, capacity: 4, TestContext.Current.CancellationToken);
        for (var i = 0; i < 30; i++)
        {
            await Eventually(() => sessions[0].TrySendText(text, $"m{i}", out _));
        }

        await NodeTestKit.WaitUntilAsync(async () => (await sessions[1].ReadStreamStatisticsAsync()).FollowersDropped == 1, "the slow follower is dropped");
        var read = 0;
        await Assert.ThrowsAsync<FeedReaderTooSlowException>(async () =>
        {
            await foreach (var entry in reader.ReadAllAsync(TestContext.Current.CancellationToken))
            {
                read++;
            }
        });
        Assert.Equal(4, read); // what was in its channel is still readable, then the error
        Assert.Equal(0, (await sessions[1].ReadStreamStatisticsAsync()).Followers);
    }

    // ---- helpers ----

    private static async Task<(Node[] Nodes, Session[] Sessions)> TwoNodes(NodeTestKit kit, Func<NodeConfig, NodeConfig>? configure = null)
    {
        var (a, _) = await kit.StartAsync(configure);
        var (b, _) = await kit.StartAsync(configure);
        var session = await a.CreateSessionAsync();
        var bSession = await Join(b, a, session);
        await NodeTestKit.WaitUntil(() => session.Participants.ContainsKey(b.NodeId), "A sees B");
        return ([a, b], [session, bSession]);
    }

    private static async Task<(Node[] Nodes, Session[] Sessions)> ThreeNodes(NodeTestKit kit)
    {
        var (a, _) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        var (c, _) = await kit.StartAsync();
        var session = await a.CreateSessionAsync();
        var bSession = await Join(b, a, session);
        var cSession = await Join(c, a, session);
        await NodeTestKit.WaitUntil(() => session.Participants.Count == 2 && bSession.Participants.Count == 2, "a full mesh");
        return ([a, b, c], [session, bSession, cSession]);
    }

    private static Task<Session> Join(Node joiner, Node contact, Session session)
        => joiner.JoinAsync(session.SessionId, contact.LocalEndPoint, contact.Identity.NoiseStaticPublicKey.ToArray());

    private static async Task<StreamId> StartStream(Session session, StreamKind kind)
    {
        StreamId stream = default;
        await Eventually(() => session.TryStartStream(kind, out stream));
        return stream;
    }

    private static async Task WaitForStream(IEnumerable<Session> sessions, params StreamId[] streams)
    {
        foreach (var session in sessions)
        {
            await NodeTestKit.WaitUntil(() => streams.All(session.Streams.ContainsKey), $"the streams on {session}");
        }
    }

    private static async Task<FeedPage> WaitForFeed(Session session, Func<FeedPage, bool> condition, string what)
    {
        FeedPage page = null!;
        await NodeTestKit.WaitUntilAsync(async () => condition(page = await session.ReadFeedAsync(1, 10_000)), what);
        return page;
    }

    /// <summary>Retries a send while the node's ring is full (back-pressure); any other refusal fails the test.</summary>
    private static async Task Eventually(Func<SendStatus> send)
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var status = send();
            if (status is SendStatus.Queued or SendStatus.Sent)
            {
                return;
            }

            Assert.Equal(SendStatus.RingFull, status);
            await Task.Yield();
        }

        Assert.Fail("the node never took the send");
    }

    private static byte[] Block(EventType type, ulong stateId, byte[] body)
    {
        var buffer = new byte[4096];
        var writer = new EventBlockWriter(buffer);
        Assert.Equal(WireStatus.Ok, writer.TryAppend(type, new StateId(stateId), default, Mutation.Set(body)));
        return writer.Written.ToArray();
    }

    private static byte[] TextBody(ulong id, string text)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        var body = new byte[StreamEvents.TextAppendHeader + utf8.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(body, id);
        utf8.CopyTo(body, StreamEvents.TextAppendHeader);
        return body;
    }

    private static byte[] RefBody(MessageRef message, int extra)
    {
        var body = new byte[16 + extra];
        BinaryPrimitives.WriteUInt64LittleEndian(body, message.Author.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(8), message.Id.Value);
        return body;
    }

    private static byte[] EditBody(StreamId stream, MessageRef message, string text)
    {
        var buffer = new byte[4096];
        var writer = new EventBlockWriter(buffer);
        Assert.Equal(WireStatus.Ok, StreamEvents.WriteTextEdit(ref writer, stream, message, 1, 1, System.Text.Encoding.UTF8.GetBytes(text)));
        return writer.Written.ToArray();
    }
}
