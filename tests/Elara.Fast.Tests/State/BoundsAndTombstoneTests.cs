using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.State;

public sealed class BoundsAndTombstoneTests
{
    [Fact]
    public void The_atom_limit_is_a_typed_refusal_and_a_counter()
    {
        var r = new Replica(1, new StateLimits { MaxAtoms = 3 });
        for (ulong i = 1; i <= 3; i++)
        {
            var id = new StateId(i);
            r.Must((StateField f, ref EventBlockWriter w) => f.Create(id, CrdtKind.PnCounter, ref w));
        }

        var (status, payload) = r.Run((StateField f, ref EventBlockWriter w) => f.Create(new StateId(4), CrdtKind.PnCounter, ref w));
        Assert.Equal(StateStatus.AtomLimitExceeded, status);
        Assert.Empty(payload);
        Assert.Equal(3, r.Field.Count);
        Assert.Equal(1, r.Field.Counters[StateStatus.AtomLimitExceeded]);
    }

    [Fact]
    public void The_byte_limit_is_a_typed_refusal_and_a_counter()
    {
        var r = new Replica(1, new StateLimits { MaxBytes = 200 });
        var id = new StateId(1);
        r.Must((StateField f, ref EventBlockWriter w) => f.Create(id, CrdtKind.LwwRegister, ref w));
        var (status, _) = r.Run((StateField f, ref EventBlockWriter w) => f.Set(id, 1, new byte[300], ref w));
        Assert.Equal(StateStatus.ByteLimitExceeded, status);
        Assert.True(r.Field.TotalBytes <= 200);
        Assert.Equal(1, r.Field.Counters[StateStatus.ByteLimitExceeded]);
    }

    [Fact]
    public void An_atom_never_outgrows_one_frame_and_the_field_keeps_an_exact_byte_count()
    {
        var r = new Replica(1);
        var id = new StateId(1);
        r.Must((StateField f, ref EventBlockWriter w) => f.Create(id, CrdtKind.AppendLog, ref w));
        var status = StateStatus.Applied;
        ulong n = 0;
        while (status == StateStatus.Applied)
        {
            var message = new MessageId(++n);
            status = r.Run((StateField f, ref EventBlockWriter w) => f.Append(id, (long)n, message, "twenty bytes of text"u8, ref w)).Status;
        }

        Assert.Equal(StateStatus.AtomTooLarge, status);
        Assert.True(r.Field.TryGetAtom(id, out var atom));
        Assert.True(atom.ByteSize <= StateLimits.FrameAtomBytes);
        Assert.Equal(atom.ByteSize, r.Field.TotalBytes);
        // The whole atom still goes out as one block in one frame.
        Assert.True(r.Export(id).Length <= FrameLayout.MaxPayload);
    }

    [Fact]
    public void A_tombstone_stays_until_every_participant_has_seen_it_then_is_collected()
    {
        var a = new Replica(1);
        var b = new Replica(2);
        var c = new Replica(3);
        foreach (var r in new[] { a, b, c })
        {
            foreach (var other in new[] { a, b, c })
            {
                r.Field.AddParticipant(other.Id);
            }
        }

        var id = new StateId(5);
        var create = a.Must((StateField f, ref EventBlockWriter w) => f.Create(id, CrdtKind.LwwRegister, ref w));
        b.Deliver(create);
        c.Deliver(create);
        var delete = a.Must((StateField f, ref EventBlockWriter w) => f.Delete(id, ref w));
        Assert.True(a.Field.TryGetAtom(id, out var tombstone) && tombstone.IsDeleted);
        b.Deliver(delete);

        // C has not seen the delete: nobody may collect.
        Replica.Reconcile(a, b);
        Replica.Reconcile(a, b);
        Assert.True(a.Field.TryGetAtom(id, out _));
        Assert.True(b.Field.TryGetAtom(id, out _));

        // Once C has it and has said so, everyone collects, and no digest brings it back.
        Replica.ReconcileAll([a, b, c], rounds: 3);
        Assert.All(new[] { a, b, c }, r => Assert.False(r.Field.TryGetAtom(id, out _)));
        Assert.All(new[] { a, b, c }, r => Assert.Equal(0, r.Field.TotalBytes));
        Assert.True(a.Field.Counters.TombstonesCollected == 1);
        // A late duplicate of the delete or the create finds nothing to resurrect.
        Assert.Equal([StateStatus.UnknownAtom], c.Deliver(delete));
        Replica.ReconcileAll([a, b, c], rounds: 1);
        Assert.All(new[] { a, b, c }, r => Assert.Equal(0, r.Field.Count));
    }

    [Fact]
    public void A_participant_that_leaves_no_longer_holds_tombstones_back()
    {
        var a = new Replica(1);
        a.Field.AddParticipant(new NodeId(2));
        var id = new StateId(5);
        a.Must((StateField f, ref EventBlockWriter w) => f.Create(id, CrdtKind.PnCounter, ref w));
        a.Must((StateField f, ref EventBlockWriter w) => f.Delete(id, ref w));
        Assert.True(a.Field.TryGetAtom(id, out _));
        a.Field.RemoveParticipant(new NodeId(2));
        Assert.False(a.Field.TryGetAtom(id, out _));
    }

    [Fact]
    public void Reconciliation_stops_at_the_sessions_atom_bound_with_a_typed_status()
    {
        var a = new Replica(1);
        for (ulong i = 1; i <= 20; i++)
        {
            var id = new StateId(i);
            a.Must((StateField f, ref EventBlockWriter w) => f.Create(id, CrdtKind.PnCounter, ref w));
        }

        var session = new ReconciliationSession(a.Field, new NodeId(2), new ReconciliationLimits { MaxAtoms = 8 });
        Assert.Equal(ReconciliationStatus.AtomLimitExceeded, session.QueueDigest());
        Assert.Equal(8, session.Pending);
        Assert.Equal(1, session.AtomLimitHits);
    }

    [Fact]
    public void Reconciliation_stops_at_the_sessions_byte_bound_with_a_typed_status()
    {
        var a = new Replica(1);
        for (ulong i = 1; i <= 100; i++)
        {
            var id = new StateId(i);
            a.Must((StateField f, ref EventBlockWriter w) => f.Create(id, CrdtKind.PnCounter, ref w));
        }

        var session = new ReconciliationSession(a.Field, new NodeId(2), new ReconciliationLimits { MaxBytes = 1_000 });
        session.QueueDigest();
        var frame = new byte[FrameLayout.MaxPayload];
        var status = ReconciliationStatus.FrameFull;
        long written = 0;
        while (status == ReconciliationStatus.FrameFull)
        {
            var writer = new EventBlockWriter(frame);
            status = session.Fill(ref writer);
            written += writer.BytesWritten;
        }

        Assert.Equal(ReconciliationStatus.ByteLimitExceeded, status);
        Assert.True(written <= 1_000);
        Assert.Equal(written, session.BytesSent);
        Assert.Equal(1, session.ByteLimitHits);
        Assert.Equal(0, session.Pending);
    }

    [Fact]
    public void Reconciliation_refuses_atoms_past_the_sessions_receive_bound()
    {
        var a = new Replica(1);
        var b = new Replica(2);
        var session = new ReconciliationSession(b.Field, a.Id, new ReconciliationLimits { MaxAtoms = 4 });
        var statuses = new List<StateStatus>();
        for (ulong i = 1; i <= 10; i++)
        {
            var id = new StateId(i);
            a.Must((StateField f, ref EventBlockWriter w) => f.Create(id, CrdtKind.PnCounter, ref w));
            var reader = new EventBlockReader(a.Export(id));
            Assert.True(reader.MoveNext());
            statuses.Add(session.Receive(reader.Current));
        }

        Assert.Equal(Enumerable.Repeat(StateStatus.Applied, 4).Concat(Enumerable.Repeat(StateStatus.AtomLimitExceeded, 6)), statuses);
        Assert.Equal(4, b.Field.Count);
        Assert.Equal(6, session.AtomLimitHits);
        Assert.Equal(6, b.Field.Counters[StateStatus.AtomLimitExceeded]);
    }
}
