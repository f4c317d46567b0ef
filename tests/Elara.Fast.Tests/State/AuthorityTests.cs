using System.Buffers.Binary;
using CsCheck;
using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.State;

public sealed class AuthorityTests
{
    private static readonly StateId Atom = new(7);

    [Fact]
    public void Only_the_owner_and_granted_nodes_may_mutate()
    {
        var owner = new Replica(1);
        var other = new Replica(2);
        var create = owner.Must((StateField f, ref EventBlockWriter w) => f.Create(Atom, CrdtKind.PnCounter, ref w));
        other.Deliver(create);

        // Not granted: refused at the source...
        var (status, payload) = other.Run((StateField f, ref EventBlockWriter w) => f.Increment(Atom, 1, ref w));
        Assert.Equal(StateStatus.Unauthorized, status);
        Assert.Empty(payload);

        // ...and a forged operation from it is refused at the owner, counted, and changes nothing.
        var before = owner.Snapshot();
        Assert.Equal([StateStatus.Unauthorized], owner.Deliver(Forge(EventType.StateUpdate, other.Id, 1, Mutation.Increment(1))));
        Assert.Equal(before, owner.Snapshot());
        Assert.Equal(1, owner.Field.Counters[StateStatus.Unauthorized]);

        // Granted: accepted; revoked: refused again.
        other.Deliver(owner.Must((StateField f, ref EventBlockWriter w) => f.SetAuthority(Atom, other.Id, true, ref w)));
        owner.Deliver(other.Must((StateField f, ref EventBlockWriter w) => f.Increment(Atom, 5, ref w)));
        Assert.True(owner.Field.TryGetAtom(Atom, out var atom));
        Assert.Equal(5, ((PnCounter)atom.Value).Value);
        other.Deliver(owner.Must((StateField f, ref EventBlockWriter w) => f.SetAuthority(Atom, other.Id, false, ref w)));
        Assert.Equal(StateStatus.Unauthorized, other.Run((StateField f, ref EventBlockWriter w) => f.Increment(Atom, 1, ref w)).Status);
    }

    [Fact]
    public void Only_the_owner_grants()
    {
        var owner = new Replica(1);
        var granted = new Replica(2);
        granted.Deliver(owner.Must((StateField f, ref EventBlockWriter w) => f.Create(Atom, CrdtKind.LwwRegister, ref w)));
        granted.Deliver(owner.Must((StateField f, ref EventBlockWriter w) => f.SetAuthority(Atom, granted.Id, true, ref w)));
        // A granted node may write but not hand authority on.
        Assert.Equal(StateStatus.Unauthorized,
            granted.Run((StateField f, ref EventBlockWriter w) => f.SetAuthority(Atom, new NodeId(3), true, ref w)).Status);
    }

    [Fact]
    public void A_merged_state_loses_the_contributions_of_nodes_never_granted()
    {
        var owner = new Replica(1);
        owner.Must((StateField f, ref EventBlockWriter w) => f.Create(Atom, CrdtKind.PnCounter, ref w));
        owner.Must((StateField f, ref EventBlockWriter w) => f.Increment(Atom, 2, ref w));
        var before = owner.Snapshot();

        // A whole atom, as a hostile peer would send it: owner 1, no grants, and node 9 (never granted) added 10^6.
        var body = new byte[StateAtom.HeaderSize + 2 + (2 * PnCounter.EntrySize)];
        body[0] = (byte)CrdtKind.PnCounter;
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(1), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(StateAtom.HeaderSize), 2);
        var entries = body.AsSpan(StateAtom.HeaderSize + 2);
        BinaryPrimitives.WriteUInt64LittleEndian(entries, 1);
        BinaryPrimitives.WriteUInt64LittleEndian(entries[8..], 2);
        BinaryPrimitives.WriteUInt64LittleEndian(entries[24..], 9);
        BinaryPrimitives.WriteUInt64LittleEndian(entries[32..], 1_000_000);
        var buffer = new byte[FrameLayout.MaxPayload];
        var writer = new EventBlockWriter(buffer);
        Assert.Equal(WireStatus.Ok, writer.TryAppend(EventType.GapFill, Atom,
            new[] { new VersionVectorEntry(new NodeId(1), 2), new VersionVectorEntry(new NodeId(9), 1) }, Mutation.Merge(body)));

        owner.Deliver(writer.Written.ToArray());
        Assert.Equal(before, owner.Snapshot());
        Assert.Equal(1, owner.Field.Counters.UnauthorizedContributions);
    }

    [Fact]
    public void Unauthorised_operations_never_change_state()
    {
        // Property: whatever an ungranted node sends (any kind of update on any type), the state bytes do not move.
        var kinds = Gen.Enum<CrdtKind>();
        Gen.Select(kinds, Gen.Int[0, 5], Gen.Long, Gen.Byte.Array[0, 40]).Sample((kind, op, number, bytes) =>
        {
            var owner = new Replica(1);
            owner.Must((StateField f, ref EventBlockWriter w) => f.Create(Atom, kind, ref w, kind == CrdtKind.Blend ? 2 : 0));
            var before = owner.Snapshot();
            var mutation = op switch
            {
                0 => Mutation.Set(bytes),
                1 => Mutation.Increment(number),
                2 => Mutation.Append(bytes),
                3 => Mutation.Blend(1f, bytes),
                4 => Mutation.Delete(),
                _ => Mutation.Set(bytes),
            };
            var type = op switch { 4 => EventType.StateDelete, 5 => EventType.AuthorityGrant, _ => EventType.StateUpdate };
            var status = Assert.Single(owner.Deliver(Forge(type, new NodeId(42), 1, mutation)));
            Assert.Equal(StateStatus.Unauthorized, status);
            Assert.Equal(before, owner.Snapshot());
        }, iter: 300);
    }

    internal static byte[] Forge(EventType type, NodeId author, ulong counter, Mutation mutation)
    {
        var buffer = new byte[FrameLayout.MaxPayload];
        var writer = new EventBlockWriter(buffer);
        Assert.Equal(WireStatus.Ok, writer.TryAppend(type, Atom, new[] { new VersionVectorEntry(author, counter) }, mutation));
        return writer.Written.ToArray();
    }
}
