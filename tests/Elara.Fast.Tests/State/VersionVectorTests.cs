using CsCheck;
using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.State;

public sealed class VersionVectorTests
{
    private static VersionVectorEntry[] V(params (ulong Node, ulong Counter)[] entries)
        => entries.Select(e => new VersionVectorEntry(new NodeId(e.Node), e.Counter)).ToArray();

    [Theory]
    [InlineData(new ulong[] { }, new ulong[] { }, "Equal")]
    [InlineData(new ulong[] { 1, 3 }, new ulong[] { 1, 3 }, "Equal")]
    [InlineData(new ulong[] { 1, 4 }, new ulong[] { 1, 3 }, "Dominates")]
    [InlineData(new ulong[] { 1, 3, 2, 1 }, new ulong[] { 1, 3 }, "Dominates")]
    [InlineData(new ulong[] { 1, 3 }, new ulong[] { 1, 3, 2, 1 }, "Dominated")]
    [InlineData(new ulong[] { 1, 4 }, new ulong[] { 1, 3, 2, 1 }, "Concurrent")]
    [InlineData(new ulong[] { 1, 3, 2, 0 }, new ulong[] { 1, 3 }, "Equal")] // a zero counter is no entry
    public void Compare_orders_histories(ulong[] a, ulong[] b, string expected)
    {
        static VersionVectorEntry[] Pairs(ulong[] flat) =>
            Enumerable.Range(0, flat.Length / 2).Select(i => new VersionVectorEntry(new NodeId(flat[2 * i]), flat[(2 * i) + 1])).ToArray();
        Assert.Equal(Enum.Parse<VersionOrder>(expected), VersionVector.Compare(Pairs(a), Pairs(b)));
    }

    private static readonly Gen<VersionVectorEntry[]> GenVector =
        Gen.Dictionary(Gen.ULong[1, 12], Gen.ULong[0, 4])[0, 10]
            .Select(d => d.OrderBy(kv => kv.Key).Select(kv => new VersionVectorEntry(new NodeId(kv.Key), kv.Value)).ToArray());

    /// <summary>The definition, written plainly over dictionaries: the model the fast walk must agree with.</summary>
    private static VersionOrder Model(VersionVectorEntry[] a, VersionVectorEntry[] b)
    {
        var da = a.ToDictionary(e => e.Node, e => e.Counter);
        var db = b.ToDictionary(e => e.Node, e => e.Counter);
        var nodes = da.Keys.Union(db.Keys).ToList();
        var aAhead = nodes.Any(n => da.GetValueOrDefault(n) > db.GetValueOrDefault(n));
        var bAhead = nodes.Any(n => db.GetValueOrDefault(n) > da.GetValueOrDefault(n));
        return (aAhead, bAhead) switch
        {
            (false, false) => VersionOrder.Equal,
            (true, false) => VersionOrder.Dominates,
            (false, true) => VersionOrder.Dominated,
            _ => VersionOrder.Concurrent,
        };
    }

    [Fact]
    public void Compare_agrees_with_the_definition_and_merge_is_the_least_upper_bound()
    {
        Gen.Select(GenVector, GenVector).Sample((a, b) =>
        {
            Assert.Equal(Model(a, b), VersionVector.Compare(a, b));
            var merged = new VersionVector(1);
            merged.CopyFrom(a);
            merged.MergeFrom(b);
            Assert.True(VersionVector.Compare(merged.Entries, a) is VersionOrder.Equal or VersionOrder.Dominates);
            Assert.True(VersionVector.Compare(merged.Entries, b) is VersionOrder.Equal or VersionOrder.Dominates);
            // Least: every counter comes from one side.
            foreach (var e in merged.Entries)
            {
                Assert.True(e.Counter == a.FirstOrDefault(x => x.Node == e.Node).Counter || e.Counter == b.FirstOrDefault(x => x.Node == e.Node).Counter);
            }

            // Sorted, no zeros: the wire's layout.
            var entries = merged.Entries.ToArray();
            Assert.True(entries.Zip(entries.Skip(1)).All(p => p.First.Node.Value < p.Second.Node.Value));
            Assert.DoesNotContain(entries, e => e.Counter == 0);
        }, iter: 2_000);
    }

    [Fact]
    public void Set_get_and_remove_keep_the_vector_sorted()
    {
        var v = new VersionVector(1);
        v.Set(new NodeId(5), 1);
        v.Set(new NodeId(2), 7);
        v.Set(new NodeId(9), 3);
        Assert.Equal(V((2, 7), (5, 1), (9, 3)), v.Entries.ToArray());
        v.Set(new NodeId(5), 0);
        Assert.Equal(V((2, 7), (9, 3)), v.Entries.ToArray());
        Assert.Equal(0ul, v.Get(new NodeId(5)));
        Assert.Equal(7ul, v.Get(new NodeId(2)));
    }

    [Fact]
    public void A_vector_travels_through_an_event_block_without_a_copy()
    {
        var entries = V((1, 10), (7, 2), (ulong.MaxValue, ulong.MaxValue));
        var buffer = new byte[256];
        var writer = new EventBlockWriter(buffer);
        Assert.Equal(WireStatus.Ok, writer.TryAppend(EventType.StateRequest, new StateId(3), entries, Mutation.Merge(new byte[] { 0 })));
        var reader = new EventBlockReader(writer.Written);
        Assert.True(reader.MoveNext());
        var read = VersionVector.FromWire(reader.Current.VersionVector, new VersionVectorEntry[4]);
        Assert.Equal(entries, read.ToArray());
    }

    [Fact]
    public void Compare_allocates_nothing()
    {
        var a = Enumerable.Range(1, 64).Select(i => new VersionVectorEntry(new NodeId((ulong)i), (ulong)i)).ToArray();
        var b = a.Select(e => e with { Counter = e.Counter + 1 }).ToArray();
        VersionOrder Loop(int n)
        {
            var order = VersionOrder.Equal;
            for (var i = 0; i < n; i++)
            {
                order = VersionVector.Compare(a, b);
            }

            return order;
        }

        // Warm up past tiered compilation (its OSR and call counting allocate on this thread), then measure.
        Loop(50_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var order = Loop(10_000);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(VersionOrder.Dominated, order);
    }
}
