using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.State;

/// <summary>Every mutation and every reconciliation message, through the wire's event-block encoding and back.</summary>
public sealed class WireRoundTripTests
{
    private static EventBlock Single(byte[] payload, out EventBlockReader reader)
    {
        reader = new EventBlockReader(payload);
        Assert.True(reader.MoveNext());
        var block = reader.Current;
        Assert.Equal(payload.Length, block.Bytes.Length);
        return block;
    }

    public static TheoryData<string> Operations() => ["create", "set", "increment", "append", "add", "remove", "blend", "delete", "grant", "revoke"];

    [Theory]
    [MemberData(nameof(Operations))]
    public void Every_operation_travels_as_one_event_block_and_applies_identically(string operation)
    {
        var a = new Replica(1);
        var b = new Replica(2);
        a.Field.AddParticipant(b.Id); // so a deleted atom stays a tombstone to inspect
        var kind = operation switch
        {
            "increment" => CrdtKind.PnCounter,
            "append" => CrdtKind.AppendLog,
            "add" or "remove" => CrdtKind.ObservedRemoveSet,
            "blend" => CrdtKind.Blend,
            _ => CrdtKind.LwwRegister,
        };
        var id = new StateId(0x1234);
        var create = a.Must((StateField f, ref EventBlockWriter w) => f.Create(id, kind, ref w, kind == CrdtKind.Blend ? 3 : 0));
        byte[] payload = create;
        if (operation != "create")
        {
            b.Deliver(create);
            if (operation == "remove")
            {
                b.Deliver(a.Must((StateField f, ref EventBlockWriter w) => f.Add(id, "e"u8, ref w)));
            }

            payload = a.Must(operation switch
            {
                "set" => (StateField f, ref EventBlockWriter w) => f.Set(id, 12_345, "value"u8, ref w),
                "increment" => (StateField f, ref EventBlockWriter w) => f.Increment(id, -42, ref w),
                "append" => (StateField f, ref EventBlockWriter w) => f.Append(id, 99, new MessageId(7), "hello"u8, ref w),
                "add" => (StateField f, ref EventBlockWriter w) => f.Add(id, "member"u8, ref w),
                "remove" => (StateField f, ref EventBlockWriter w) => f.Remove(id, "e"u8, ref w),
                "blend" => (StateField f, ref EventBlockWriter w) => f.Blend(id, 0.5f, [1f, 2f, 3f], ref w),
                "delete" => (StateField f, ref EventBlockWriter w) => f.Delete(id, ref w),
                "grant" => (StateField f, ref EventBlockWriter w) => f.SetAuthority(id, new NodeId(2), true, ref w),
                _ => (StateField f, ref EventBlockWriter w) => f.SetAuthority(id, new NodeId(2), false, ref w),
            });
        }

        var block = Single(payload, out _);
        var (type, mutationKind) = operation switch
        {
            "create" => (EventType.StateCreate, MutationKind.Set),
            "set" => (EventType.StateUpdate, MutationKind.Set),
            "increment" => (EventType.StateUpdate, MutationKind.Increment),
            "append" or "add" => (EventType.StateUpdate, MutationKind.Append),
            "remove" => (EventType.StateUpdate, MutationKind.Set),
            "blend" => (EventType.StateUpdate, MutationKind.Blend),
            "delete" => (EventType.StateDelete, MutationKind.Delete),
            "grant" => (EventType.AuthorityGrant, MutationKind.Set),
            _ => (EventType.AuthorityRevoke, MutationKind.Set),
        };
        Assert.Equal(type, block.EventType);
        Assert.Equal(id, block.StateId);
        Assert.Equal(mutationKind, block.Mutation.Kind);
        // The dot: exactly one entry, the author and its next counter.
        Assert.Equal(1, block.VersionVector.Count);
        Assert.Equal(a.Id, block.VersionVector[0].Node);
        Assert.True(a.Field.TryGetAtom(id, out var atom));
        Assert.Equal(atom.Version.Get(a.Id), block.VersionVector[0].Counter);
        if (operation == "increment")
        {
            Assert.Equal(-42, block.Mutation.Delta);
        }

        if (operation == "blend")
        {
            Assert.Equal(0.5f, block.Mutation.Weight);
            Assert.Equal(12, block.Mutation.Bytes.Length);
        }

        Assert.Equal([StateStatus.Applied], b.Deliver(payload));
        Assert.Equal(a.Snapshot(), b.Snapshot());
    }

    [Fact]
    public void A_frame_holds_many_operations_back_to_back()
    {
        var a = new Replica(1);
        var b = new Replica(2);
        var buffer = new byte[FrameLayout.MaxPayload];
        var writer = new EventBlockWriter(buffer);
        var id = new StateId(1);
        Assert.Equal(StateStatus.Applied, a.Field.Create(id, CrdtKind.PnCounter, ref writer));
        var n = 1;
        while (a.Field.Increment(id, 1, ref writer) == StateStatus.Applied)
        {
            n++;
        }

        // The last one did not fit: refused before it was applied, so sender and frame agree.
        Assert.Equal(1, a.Field.Counters[StateStatus.DestinationTooSmall]);
        Assert.Equal(n, writer.Count);
        Assert.True(EventBlockReader.TryValidate(writer.Written, out var blocks, out _, out _));
        Assert.Equal(n, blocks);
        Assert.All(Replica.DeliverTo(b.Field, writer.Written), s => Assert.Equal(StateStatus.Applied, s));
        Assert.Equal(a.Snapshot(), b.Snapshot());
    }

    [Fact]
    public void Digests_requests_responses_and_gap_fills_fit_frames_and_parse()
    {
        var a = new Replica(1);
        var b = new Replica(2);
        for (ulong i = 1; i <= 300; i++)
        {
            var id = new StateId(i);
            var create = a.Must((StateField f, ref EventBlockWriter w) => f.Create(id, CrdtKind.AppendLog, ref w));
            if (i % 2 == 0)
            {
                b.Deliver(create); // B has half of them, behind: those need a GapFill, the rest a StateResponse
            }

            var message = new MessageId(i);
            a.Must((StateField f, ref EventBlockWriter w) => f.Append(id, (long)i, message, new byte[(int)(i % 200)], ref w));
        }

        var fromA = new ReconciliationSession(a.Field, b.Id);
        var fromB = new ReconciliationSession(b.Field, a.Id);
        fromA.QueueDigest();
        fromB.QueueDigest();
        var seen = new Dictionary<EventType, int>();
        var frame = new byte[FrameLayout.MaxPayload];
        for (var round = 0; round < 1_000 && (fromA.Pending > 0 || fromB.Pending > 0); round++)
        {
            foreach (var (from, to) in new[] { (fromA, fromB), (fromB, fromA) })
            {
                var writer = new EventBlockWriter(frame);
                from.Fill(ref writer);
                Assert.True(writer.BytesWritten <= 1400 - 30 - 16);
                Assert.True(writer.BytesWritten == 0 || EventBlockReader.TryValidate(writer.Written, out _, out _, out _));
                var reader = new EventBlockReader(writer.Written);
                while (reader.MoveNext())
                {
                    var block = reader.Current;
                    seen[block.EventType] = seen.GetValueOrDefault(block.EventType) + 1;
                    Assert.Equal(MutationKind.Merge, block.Mutation.Kind);
                    Assert.NotEqual(StateStatus.Malformed, to.Receive(block));
                }
            }
        }

        Assert.Equal(0, fromA.Pending + fromB.Pending);
        Assert.Equal(300 + 150 + 150, seen[EventType.StateRequest]); // A's digest, B's digest, B's pulls
        Assert.Equal(150, seen[EventType.StateResponse]);
        Assert.Equal(150, seen[EventType.GapFill]);
        Assert.Equal(a.Snapshot(), b.Snapshot());
    }
}
