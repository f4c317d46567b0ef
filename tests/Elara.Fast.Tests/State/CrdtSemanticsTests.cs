using System.Text;
using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.State;

/// <summary>What each CRDT type means, pinned down on two or three replicas.</summary>
public sealed class CrdtSemanticsTests
{
    private static readonly StateId Atom = new(100);

    private static (Replica A, Replica B, Replica C) Three(CrdtKind kind, int dimensions = 0)
    {
        var a = new Replica(1);
        var b = new Replica(2);
        var c = new Replica(3);
        var create = a.Must((StateField f, ref EventBlockWriter w) => f.Create(Atom, kind, ref w, dimensions));
        var grantB = a.Must((StateField f, ref EventBlockWriter w) => f.SetAuthority(Atom, b.Id, true, ref w));
        var grantC = a.Must((StateField f, ref EventBlockWriter w) => f.SetAuthority(Atom, c.Id, true, ref w));
        foreach (var r in new[] { b, c })
        {
            Assert.All(r.Deliver(create).Concat(r.Deliver(grantB)).Concat(r.Deliver(grantC)), s => Assert.Equal(StateStatus.Applied, s));
        }

        return (a, b, c);
    }

    private static T Value<T>(Replica r) where T : AtomValue
    {
        Assert.True(r.Field.TryGetAtom(Atom, out var atom));
        return Assert.IsType<T>(atom.Value);
    }

    [Fact]
    public void Lww_orders_by_state_time_then_node()
    {
        var (a, b, _) = Three(CrdtKind.LwwRegister);
        var late = a.Must((StateField f, ref EventBlockWriter w) => f.Set(Atom, 200, "a-late"u8, ref w));
        var early = b.Must((StateField f, ref EventBlockWriter w) => f.Set(Atom, 100, "b-early"u8, ref w));
        a.Deliver(early);
        b.Deliver(late);
        Assert.Equal("a-late", Encoding.UTF8.GetString(Value<LwwRegister>(a).Value));
        Assert.Equal(a.Snapshot(), b.Snapshot());

        // Same τs: the greater node id wins (B = 2 over A = 1), on both.
        var tieA = a.Must((StateField f, ref EventBlockWriter w) => f.Set(Atom, 300, "a"u8, ref w));
        var tieB = b.Must((StateField f, ref EventBlockWriter w) => f.Set(Atom, 300, "b"u8, ref w));
        a.Deliver(tieB);
        b.Deliver(tieA);
        Assert.Equal("b", Encoding.UTF8.GetString(Value<LwwRegister>(a).Value));
        Assert.Equal(a.Snapshot(), b.Snapshot());
    }

    [Fact]
    public void Pn_counter_sums_every_nodes_increments_and_decrements()
    {
        var (a, b, c) = Three(CrdtKind.PnCounter);
        var ops = new List<byte[]>
        {
            a.Must((StateField f, ref EventBlockWriter w) => f.Increment(Atom, 5, ref w)),
            b.Must((StateField f, ref EventBlockWriter w) => f.Increment(Atom, -3, ref w)),
            c.Must((StateField f, ref EventBlockWriter w) => f.Increment(Atom, 10, ref w)),
            a.Must((StateField f, ref EventBlockWriter w) => f.Increment(Atom, long.MinValue + 100, ref w)),
        };
        foreach (var r in new[] { a, b, c })
        {
            foreach (var op in ops)
            {
                r.Deliver(op);
            }

            Assert.Equal(5 - 3 + 10 + long.MinValue + 100, Value<PnCounter>(r).Value);
        }

        Assert.Equal(a.Snapshot(), c.Snapshot());
    }

    [Fact]
    public void Pn_counter_refuses_an_increment_that_would_overflow_its_total()
    {
        var (a, _, _) = Three(CrdtKind.PnCounter);
        a.Must((StateField f, ref EventBlockWriter w) => f.Increment(Atom, long.MaxValue, ref w));
        a.Must((StateField f, ref EventBlockWriter w) => f.Increment(Atom, long.MaxValue, ref w));
        var (status, payload) = a.Run((StateField f, ref EventBlockWriter w) => f.Increment(Atom, 2, ref w));
        Assert.Equal(StateStatus.Overflow, status);
        Assert.Empty(payload);
        Assert.Equal(long.MaxValue, Value<PnCounter>(a).Value); // ΣP = 2^64 − 2 saturates the i64 view
    }

    [Fact]
    public void Log_orders_by_time_author_sequence_and_drops_repeated_message_ids()
    {
        var (a, b, _) = Three(CrdtKind.AppendLog);
        var m1 = b.Must((StateField f, ref EventBlockWriter w) => f.Append(Atom, 20, new MessageId(1), "b at 20"u8, ref w));
        var m2 = a.Must((StateField f, ref EventBlockWriter w) => f.Append(Atom, 20, new MessageId(2), "a at 20"u8, ref w));
        var m3 = a.Must((StateField f, ref EventBlockWriter w) => f.Append(Atom, 10, new MessageId(3), "a at 10"u8, ref w));
        // B sends message id 2 again (a retry with a later stamp): the earlier entry stays.
        var retry = b.Must((StateField f, ref EventBlockWriter w) => f.Append(Atom, 30, new MessageId(2), "retry"u8, ref w));
        a.Deliver(m1);
        a.Deliver(retry);
        b.Deliver(m2);
        b.Deliver(m3);
        foreach (var r in new[] { a, b })
        {
            var log = Value<AppendLog>(r);
            var texts = Enumerable.Range(0, log.Count).Select(i => Encoding.UTF8.GetString(log.TextOf(log[i]))).ToArray();
            Assert.Equal(["a at 10", "a at 20", "b at 20"], texts);
        }

        Assert.Equal(a.Snapshot(), b.Snapshot());
    }

    [Fact]
    public void Or_set_add_wins_over_a_concurrent_remove()
    {
        var (a, b, _) = Three(CrdtKind.ObservedRemoveSet);
        var add1 = a.Must((StateField f, ref EventBlockWriter w) => f.Add(Atom, "alice"u8, ref w));
        b.Deliver(add1);
        // B removes the alice it saw while A adds alice again: the new add was not observed, so it survives.
        var remove = b.Must((StateField f, ref EventBlockWriter w) => f.Remove(Atom, "alice"u8, ref w));
        var add2 = a.Must((StateField f, ref EventBlockWriter w) => f.Add(Atom, "alice"u8, ref w));
        a.Deliver(remove);
        b.Deliver(add2);
        Assert.True(Value<ObservedRemoveSet>(a).Contains("alice"u8));
        Assert.Equal(1, Value<ObservedRemoveSet>(a).Count);
        Assert.Equal(a.Snapshot(), b.Snapshot());

        // A remove that observed everything removes it everywhere.
        var removeAll = a.Must((StateField f, ref EventBlockWriter w) => f.Remove(Atom, "alice"u8, ref w));
        b.Deliver(removeAll);
        Assert.False(Value<ObservedRemoveSet>(b).Contains("alice"u8));
        Assert.Equal(a.Snapshot(), b.Snapshot());
    }

    [Fact]
    public void Or_set_remove_of_an_add_not_yet_seen_is_a_gap_not_a_lost_remove()
    {
        var (a, b, c) = Three(CrdtKind.ObservedRemoveSet);
        var add = a.Must((StateField f, ref EventBlockWriter w) => f.Add(Atom, "x"u8, ref w));
        b.Deliver(add);
        var remove = b.Must((StateField f, ref EventBlockWriter w) => f.Remove(Atom, "x"u8, ref w));
        Assert.Equal([StateStatus.Gap], c.Deliver(remove));
        c.Deliver(add);
        Assert.True(Value<ObservedRemoveSet>(c).Contains("x"u8));
        Replica.Reconcile(b, c);
        Assert.False(Value<ObservedRemoveSet>(c).Contains("x"u8));
        Assert.Equal(b.Snapshot(), c.Snapshot());
    }

    [Fact]
    public void Blend_is_the_weighted_mean_of_each_nodes_latest_contribution()
    {
        var (a, b, c) = Three(CrdtKind.Blend, dimensions: 2);
        var ops = new[]
        {
            a.Must((StateField f, ref EventBlockWriter w) => f.Blend(Atom, 1f, [0f, 0f], ref w)),
            a.Must((StateField f, ref EventBlockWriter w) => f.Blend(Atom, 1f, [10f, 0f], ref w)), // replaces A's first
            b.Must((StateField f, ref EventBlockWriter w) => f.Blend(Atom, 3f, [2f, 4f], ref w)),
            c.Must((StateField f, ref EventBlockWriter w) => f.Blend(Atom, 0f, [1000f, 1000f], ref w)), // no vote
        };
        foreach (var r in new[] { a, b, c })
        {
            // Other nodes' contributions first; each node's own events stay in its order.
            foreach (var op in new[] { ops[3], ops[2], ops[0], ops[1] })
            {
                r.Deliver(op);
            }

            var value = new float[2];
            Assert.True(Value<BlendValue>(r).TryGetValue(value));
            // (1·10 + 3·2) / 4 = 4, (1·0 + 3·4) / 4 = 3.
            Assert.Equal([4f, 3f], value);
        }

        Assert.Equal(a.Snapshot(), b.Snapshot());
        Assert.Equal(a.Snapshot(), c.Snapshot());
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-1f)]
    public void Blend_refuses_a_weight_that_is_not_finite_and_non_negative(float weight)
    {
        var (a, _, _) = Three(CrdtKind.Blend, dimensions: 1);
        var (status, payload) = a.Run((StateField f, ref EventBlockWriter w) => f.Blend(Atom, weight, [1f], ref w));
        Assert.NotEqual(StateStatus.Applied, status);
        Assert.Empty(payload);
    }
}
