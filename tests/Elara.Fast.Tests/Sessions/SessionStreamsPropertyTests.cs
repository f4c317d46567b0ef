using CsCheck;
using Elara.Fast.Primitives;
using Elara.Fast.Sessions;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Sessions;

/// <summary>The convergent parts of <see cref="SessionStreams"/>, on random histories applied in random orders.</summary>
public sealed class SessionStreamsPropertyTests
{
    private static readonly NodeId Owner = new(1);
    private static readonly StreamId Chat = new(5);

    [Fact]
    public void Presence_is_last_writer_wins_whatever_the_arrival_order()
    {
        // Updates of several nodes, each with its own (time, counter); two replicas get them in different orders.
        var update = Gen.Select(Gen.Int[2, 4], Gen.Long[0, 20], Gen.ULong[0, 5], Gen.Int[0, 3], Gen.Int[0, 3]);
        Gen.Select(update.List[1, 30], Gen.Int).Sample((generated, seed) =>
        {
            // A node never writes two updates with the same (time, counter): its counter is a fresh id each time.
            var updates = generated.DistinctBy(u => (u.Item1, u.Item2, u.Item3)).ToList();
            var blocks = updates.Select(u => (Node: new NodeId((ulong)u.Item1), Block: Presence((Availability)u.Item4, u.Item2, u.Item3, $"s{u.Item5}"))).ToList();
            var a = Replica();
            var b = Replica();
            foreach (var (node, block) in blocks)
            {
                Apply(a, node, block);
            }

            foreach (var (node, block) in blocks.OrderBy(_ => new Random(seed).Next()).Reverse())
            {
                Apply(b, node, block);
            }

            var expected = updates.GroupBy(u => (ulong)u.Item1).OrderBy(g => g.Key)
                .Select(g => g.OrderBy(u => u.Item2).ThenBy(u => u.Item3).Last())
                .Select(u => ((ulong)u.Item1, (Availability)u.Item4))
                .ToList();
            Assert.Equal(expected, a.ReadPresence().Select(p => (p.Node.Value, p.Availability)).ToList());
            Assert.Equal(
                a.ReadPresence().Select(p => (p.Node, p.Availability, p.Status)),
                b.ReadPresence().Select(p => (p.Node, p.Availability, p.Status)));
        });
    }

    [Fact]
    public void Reactions_match_a_set_model_and_edits_keep_the_latest_by_time_then_id()
    {
        var operation = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[2, 4], Gen.Long[0, 9]);
        operation.List[1, 40].Sample(operations =>
        {
            var replica = Replica();
            Apply(replica, Owner, Block(EventType.StreamStart, Chat.Value, [(byte)StreamKind.Text]));
            var message = new MessageRef(Owner, new MessageId(42));
            var writer = new EventBlockWriter(new byte[512]);
            Assert.Equal(WireStatus.Ok, StreamEvents.WriteTextAppend(ref writer, Chat, message.Id, 1, null, "v"u8));
            Apply(replica, Owner, writer.Written.ToArray());

            var model = new HashSet<(ulong, string)>();
            (long Time, ulong Id, string Text) latest = (long.MinValue, 0, "v");
            ulong editId = 0;
            foreach (var (kind, key, reactor, time) in operations)
            {
                var keyText = $"k{key}";
                if (kind == 2)
                {
                    editId++;
                    var edit = new EventBlockWriter(new byte[512]);
                    var text = $"e{editId}";
                    Assert.Equal(WireStatus.Ok, StreamEvents.WriteTextEdit(ref edit, Chat, message, time, editId, System.Text.Encoding.UTF8.GetBytes(text)));
                    Apply(replica, Owner, edit.Written.ToArray());
                    if (latest.Time == long.MinValue || time > latest.Time || (time == latest.Time && editId > latest.Id))
                    {
                        latest = (time, editId, text);
                    }

                    continue;
                }

                var react = new EventBlockWriter(new byte[512]);
                Assert.Equal(WireStatus.Ok, StreamEvents.WriteTextReact(ref react, Chat, message, kind == 0, System.Text.Encoding.UTF8.GetBytes(keyText)));
                Apply(replica, new NodeId((ulong)reactor), react.Written.ToArray());
                if (kind == 0)
                {
                    model.Add(((ulong)reactor, keyText));
                }
                else
                {
                    model.Remove(((ulong)reactor, keyText));
                }
            }

            var item = replica.ReadMessage(message)!;
            Assert.Equal(model.OrderBy(r => r), item.Reactions.Select(r => (r.Reactor.Value, r.Key)).OrderBy(r => r));
            Assert.Equal(latest.Text, item.Text);
        });
    }

    private static SessionStreams Replica() => new Session(new SessionId(9), null!, new NodeId(100), SessionState.Active).StreamState;

    private static void Apply(SessionStreams replica, NodeId sender, byte[] blocks)
    {
        foreach (var block in new EventBlockReader(blocks))
        {
            Assert.Null(replica.Apply(sender, PacketClass.Core, block, 0));
        }
    }

    private static byte[] Presence(Availability availability, long time, ulong counter, string status)
    {
        var writer = new EventBlockWriter(new byte[512]);
        Assert.Equal(WireStatus.Ok, StreamEvents.WritePresence(ref writer, availability, time, counter, System.Text.Encoding.UTF8.GetBytes(status)));
        return writer.Written.ToArray();
    }

    private static byte[] Block(EventType type, ulong stateId, byte[] body)
    {
        var writer = new EventBlockWriter(new byte[512]);
        Assert.Equal(WireStatus.Ok, writer.TryAppend(type, new StateId(stateId), default, Mutation.Set(body)));
        return writer.Written.ToArray();
    }
}
