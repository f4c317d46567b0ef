using CsCheck;
using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.State;

/// <summary>Whatever arrives, the field answers with a status: no exception, no broken invariant, no growth past a bound.</summary>
public sealed class HostileInputTests
{
    private static readonly EventType[] Types = Enum.GetValues<EventType>();

    /// <summary>A field holding one atom of each type (ids 1..5) owned by node 1, with node 2 granted.</summary>
    private static Replica Populated()
    {
        var r = new Replica(1, new StateLimits { MaxAtoms = 64, MaxBytes = 16_384 });
        r.Field.AddParticipant(new NodeId(2));
        for (ulong i = 1; i <= 5; i++)
        {
            var id = new StateId(i);
            var kind = (CrdtKind)i;
            r.Must((StateField f, ref EventBlockWriter w) => f.Create(id, kind, ref w, kind == CrdtKind.Blend ? 2 : 0));
            r.Must((StateField f, ref EventBlockWriter w) => f.SetAuthority(id, new NodeId(2), true, ref w));
        }

        return r;
    }

    private static void AssertInvariants(StateField field)
    {
        long total = 0;
        foreach (var atom in field.Atoms)
        {
            Assert.True(atom.ByteSize <= field.Limits.MaxAtomBytes);
            Assert.True(atom.Version.Count <= field.Limits.MaxVersionEntries);
            // The encoding the field would send parses back (a canonical, self-consistent atom).
            var body = new byte[atom.EncodedLength];
            atom.Write(body);
            total += atom.ByteSize;
        }

        Assert.Equal(total, field.TotalBytes);
        Assert.True(field.TotalBytes <= field.Limits.MaxBytes);
        Assert.True(field.Count <= field.Limits.MaxAtoms);
    }

    private static readonly Gen<byte[]> GenBlock =
        Gen.Select(Gen.Int[0, Types.Length - 1], Gen.ULong[0, 7], Gen.Select(Gen.ULong[0, 4], Gen.ULong[0, 6]).Array[0, 3],
                Gen.Int[1, 6], Gen.Byte.Array[0, 60], Gen.Long, Gen.Float)
            .Select((type, id, vv, kind, bytes, delta, weight) =>
            {
                var entries = vv.GroupBy(e => e.Item1).Select(g => new VersionVectorEntry(new NodeId(g.Key), g.First().Item2)).OrderBy(e => e.Node.Value).ToArray();
                var mutation = (MutationKind)kind switch
                {
                    MutationKind.Set => Mutation.Set(bytes),
                    MutationKind.Increment => Mutation.Increment(delta),
                    MutationKind.Append => Mutation.Append(bytes),
                    MutationKind.Merge => Mutation.Merge(bytes),
                    MutationKind.Delete => Mutation.Delete(),
                    _ => Mutation.Blend(float.IsFinite(weight) ? weight : 1f, bytes),
                };
                var buffer = new byte[512];
                var writer = new EventBlockWriter(buffer);
                Assert.Equal(WireStatus.Ok, writer.TryAppend(Types[type], new StateId(id), entries, mutation));
                return writer.Written.ToArray();
            });

    [Fact]
    public void Random_well_formed_blocks_get_a_status_and_keep_every_invariant()
    {
        GenBlock.Array[1, 30].Sample(blocks =>
        {
            var r = Populated();
            var session = new ReconciliationSession(r.Field, new NodeId(2));
            foreach (var block in blocks)
            {
                var reader = new EventBlockReader(block);
                Assert.True(reader.MoveNext());
                session.Receive(reader.Current);
                AssertInvariants(r.Field);
            }

            var frame = new byte[FrameLayout.MaxPayload];
            var writer = new EventBlockWriter(frame);
            session.Fill(ref writer);
            Assert.True(writer.BytesWritten == 0 || EventBlockReader.TryValidate(writer.Written, out _, out _, out _));
        }, iter: 2_000);
    }

    [Fact]
    public void Random_merge_bodies_never_break_the_field()
    {
        // Merge bodies that start like a real atom (a valid type and owner 1), then random bytes.
        Gen.Select(Gen.Int[1, 5], Gen.Byte.Array[0, 200], Gen.ULong[1, 5]).Sample((kind, tail, id) =>
        {
            var r = Populated();
            var body = new byte[10 + tail.Length];
            body[0] = (byte)kind;
            body[1] = 1;
            tail.CopyTo(body, 10);
            var buffer = new byte[512];
            var writer = new EventBlockWriter(buffer);
            writer.TryAppend(EventType.GapFill, new StateId(id), new[] { new VersionVectorEntry(new NodeId(1), 50) }, Mutation.Merge(body));
            var statuses = r.Deliver(writer.Written.ToArray());
            Assert.Single(statuses);
            AssertInvariants(r.Field);
        }, iter: 3_000);
    }

    [Theory]
    [InlineData("create-bad-kind")]
    [InlineData("create-blend-zero-dimensions")]
    [InlineData("op-two-dots")]
    [InlineData("op-zero-counter")]
    [InlineData("lww-short")]
    [InlineData("log-short")]
    [InlineData("blend-wrong-length")]
    [InlineData("merge-as-operation")]
    [InlineData("grant-owner")]
    public void Malformed_operations_are_refused_and_counted(string what)
    {
        var r = Populated();
        var before = r.Snapshot();
        var two = new[] { new VersionVectorEntry(new NodeId(2), 1), new VersionVectorEntry(new NodeId(3), 1) };
        var next = new[] { new VersionVectorEntry(new NodeId(1), 3) };
        var one = new[] { new VersionVectorEntry(new NodeId(1), 1) };
        var block = what switch
        {
            "create-bad-kind" => Block(EventType.StateCreate, 9, one, MutationKind.Set, [9, 0]),
            "create-blend-zero-dimensions" => Block(EventType.StateCreate, 9, one, MutationKind.Set, [5, 0]),
            "op-two-dots" => Block(EventType.StateUpdate, 2, two, MutationKind.Increment, []),
            "op-zero-counter" => Block(EventType.StateUpdate, 2, [new VersionVectorEntry(new NodeId(1), 0)], MutationKind.Increment, []),
            "lww-short" => Block(EventType.StateUpdate, 1, next, MutationKind.Set, [1, 2, 3]),
            "log-short" => Block(EventType.StateUpdate, 3, next, MutationKind.Append, new byte[15]),
            "blend-wrong-length" => Block(EventType.StateUpdate, 5, next, MutationKind.Blend, new byte[4]),
            "merge-as-operation" => Block(EventType.StateUpdate, 2, next, MutationKind.Merge, new byte[4]),
            _ => Block(EventType.AuthorityGrant, 2, next, MutationKind.Set, BitConverter.GetBytes(1UL)),
        };
        Assert.Equal([StateStatus.Malformed], r.Deliver(block));
        Assert.Equal(before, r.Snapshot());
        Assert.Equal(1, r.Field.Counters[StateStatus.Malformed]);
    }

    private static byte[] Block(EventType type, ulong id, VersionVectorEntry[] version, MutationKind kind, byte[] bytes)
    {
        var buffer = new byte[512];
        var writer = new EventBlockWriter(buffer);
        var mutation = kind switch
        {
            MutationKind.Set => Mutation.Set(bytes),
            MutationKind.Increment => Mutation.Increment(1),
            MutationKind.Append => Mutation.Append(bytes),
            MutationKind.Merge => Mutation.Merge(bytes),
            MutationKind.Delete => Mutation.Delete(),
            _ => Mutation.Blend(1f, bytes),
        };
        Assert.Equal(WireStatus.Ok, writer.TryAppend(type, new StateId(id), version, mutation));
        return writer.Written.ToArray();
    }
}
