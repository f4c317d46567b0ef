using CsCheck;
using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.State;

/// <summary>Strong eventual consistency and the semilattice laws, on random concurrent histories.</summary>
public sealed class ConvergenceTests
{
    private static readonly StateId Register = new(1);
    private static readonly StateId Counter = new(2);
    private static readonly StateId Log = new(3);
    private static readonly StateId Set = new(4);
    private static readonly StateId Blend = new(5);

    private static readonly byte[][] Elements = ["a"u8.ToArray(), "b"u8.ToArray(), "c"u8.ToArray()];

    /// <summary>Replicas 1..n; replica 1 creates one atom of each type and grants the others; all see that first.</summary>
    private static List<Replica> Session(int n)
    {
        var replicas = Enumerable.Range(1, n).Select(i => new Replica((ulong)i)).ToList();
        var owner = replicas[0];
        var setup = new List<byte[]>
        {
            owner.Must((StateField f, ref EventBlockWriter w) => f.Create(Register, CrdtKind.LwwRegister, ref w)),
            owner.Must((StateField f, ref EventBlockWriter w) => f.Create(Counter, CrdtKind.PnCounter, ref w)),
            owner.Must((StateField f, ref EventBlockWriter w) => f.Create(Log, CrdtKind.AppendLog, ref w)),
            owner.Must((StateField f, ref EventBlockWriter w) => f.Create(Set, CrdtKind.ObservedRemoveSet, ref w)),
            owner.Must((StateField f, ref EventBlockWriter w) => f.Create(Blend, CrdtKind.Blend, ref w, 2)),
        };
        foreach (var r in replicas.Skip(1))
        {
            foreach (var id in new[] { Register, Counter, Log, Set, Blend })
            {
                setup.Add(owner.Must((StateField f, ref EventBlockWriter w) => f.SetAuthority(id, r.Id, true, ref w)));
            }
        }

        foreach (var r in replicas)
        {
            foreach (var other in replicas)
            {
                r.Field.AddParticipant(other.Id);
            }

            if (r != owner)
            {
                setup.ForEach(p => Assert.All(r.Deliver(p), s => Assert.Equal(StateStatus.Applied, s)));
            }
        }

        return replicas;
    }

    /// <summary>One random local operation; its payload (empty when the replica refused it, e.g. a deleted atom).</summary>
    private static byte[] RandomOperation(Replica r, Random random, bool allowDelete)
    {
        var ts = random.Next(0, 50); // few distinct τs: ties between nodes are common
        var bytes = new byte[random.Next(0, 6)];
        random.NextBytes(bytes);
        var choice = random.Next(allowDelete ? 8 : 7);
        LocalOperation op = choice switch
        {
            0 => (StateField f, ref EventBlockWriter w) => f.Set(Register, ts, bytes, ref w),
            1 => (StateField f, ref EventBlockWriter w) => f.Increment(Counter, random.Next(-5, 6), ref w),
            2 => (StateField f, ref EventBlockWriter w) => f.Append(Log, ts, new MessageId((ulong)random.Next(0, 12)), bytes, ref w),
            3 => (StateField f, ref EventBlockWriter w) => f.Add(Set, Elements[random.Next(3)], ref w),
            4 => (StateField f, ref EventBlockWriter w) => f.Remove(Set, Elements[random.Next(3)], ref w),
            5 => (StateField f, ref EventBlockWriter w) => f.Blend(Blend, random.Next(0, 4) * 0.5f, [random.Next(-9, 10), random.Next(-9, 10)], ref w),
            6 => (StateField f, ref EventBlockWriter w) => f.Set(Register, ts, bytes, ref w),
            _ => (StateField f, ref EventBlockWriter w) => f.Delete(random.Next(2) == 0 ? Register : Set, ref w),
        };
        return r.Run(op).Payload;
    }

    [Fact]
    public void Replicas_converge_whatever_the_order_duplication_loss_and_delay_of_delivery()
    {
        Gen.Select(Gen.Int[2, 5], Gen.Int, Gen.Int[5, 25], Gen.Bool).Sample((n, seed, operations, deletes) =>
        {
            var random = new Random(seed);
            var replicas = Session(n);
            var inFlight = new List<(int To, byte[] Payload)>();
            var delayed = new List<(int To, byte[] Payload)>();
            for (var step = 0; step < operations * n; step++)
            {
                if (random.Next(3) == 0 || inFlight.Count == 0)
                {
                    var from = random.Next(n);
                    var payload = RandomOperation(replicas[from], random, deletes && random.Next(20) == 0);
                    if (payload.Length > 0)
                    {
                        for (var to = 0; to < n; to++)
                        {
                            if (to != from)
                            {
                                inFlight.Add((to, payload));
                            }
                        }
                    }

                    continue;
                }

                // Deliver any message in flight (any order); sometimes keep a copy (a duplicate later), sometimes
                // hold it back until after reconciliation (delayed), sometimes lose it.
                var pick = random.Next(inFlight.Count);
                var message = inFlight[pick];
                var fate = random.Next(10);
                if (fate == 0)
                {
                    delayed.Add(message);
                    inFlight.RemoveAt(pick);
                    continue;
                }

                if (fate > 1)
                {
                    inFlight.RemoveAt(pick); // fate 1: delivered and left in flight, to arrive again
                }

                AssertNoRejection(replicas[message.To].Deliver(message.Payload));
            }

            // Whatever is still in flight is lost; reconciliation must make up for it.
            Replica.ReconcileAll(replicas);
            var expected = replicas[0].Snapshot();
            Assert.All(replicas, r => Assert.Equal(expected, r.Snapshot()));

            // The delayed copies arrive late: duplicates or gaps, never a change.
            foreach (var (to, payload) in delayed)
            {
                replicas[to].Deliver(payload);
            }

            Assert.All(replicas, r => Assert.Equal(expected, r.Snapshot()));
            // Honest replicas refuse nothing but gaps and, once a tombstone is collected, late operations on it.
            Assert.All(replicas, r => Assert.True(r.Field.Counters.Rejected == r.Field.Counters[StateStatus.Gap] + r.Field.Counters[StateStatus.UnknownAtom],
                string.Join(", ", Enum.GetValues<StateStatus>().Select(s => $"{s}={r.Field.Counters[s]}"))));
        }, iter: 150);
    }

    /// <summary>Between honest replicas only duplicates, gaps and operations on tombstones are expected.</summary>
    private static void AssertNoRejection(List<StateStatus> statuses)
        => Assert.All(statuses, s => Assert.True(s is StateStatus.Applied or StateStatus.Duplicate or StateStatus.Gap or StateStatus.Deleted, s.ToString()));

    /// <summary>Three replicas with independent random histories; their exported states of atom <paramref name="id"/>.</summary>
    private static byte[][] ConcurrentStates(StateId id, int seed)
    {
        var random = new Random(seed);
        var replicas = Session(3);
        foreach (var r in replicas)
        {
            for (var i = random.Next(0, 12); i > 0; i--)
            {
                RandomOperation(r, random, allowDelete: random.Next(40) == 0);
            }
        }

        return replicas.Select(r => r.Field.TryGetAtom(id, out _) ? r.Export(id) : []).ToArray();
    }

    /// <summary>The state of a fresh replica that merged the given exported states in order.</summary>
    private static string Join(params byte[][] states)
    {
        var r = Fresh();
        foreach (var s in states)
        {
            r.Deliver(s);
        }

        return r.Snapshot();
    }

    private static byte[] Joined(StateId id, params byte[][] states)
    {
        var r = Fresh();
        foreach (var s in states)
        {
            r.Deliver(s);
        }

        return r.Export(id);
    }

    /// <summary>A replica that merges; a participant that never acknowledges keeps its tombstones from being collected.</summary>
    private static Replica Fresh()
    {
        var r = new Replica(99);
        r.Field.AddParticipant(new NodeId(1_000));
        return r;
    }

    public static TheoryData<ulong> Atoms() => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Atoms))]
    public void Merge_is_commutative_associative_and_idempotent(ulong atom)
    {
        var id = new StateId(atom);
        Gen.Int.Sample(seed =>
        {
            var states = ConcurrentStates(id, seed);
            if (states.Any(s => s.Length == 0))
            {
                return; // deleted and collected on one side: nothing to merge
            }

            var (a, b, c) = (states[0], states[1], states[2]);
            Assert.Equal(Join(a, b), Join(b, a));
            Assert.Equal(Join(Joined(id, a, b), c), Join(a, Joined(id, b, c)));
            Assert.Equal(Join(a, b, c), Join(c, a, b));
            Assert.Equal(Join(a), Join(a, a));
            Assert.Equal(Join(a, b), Join(a, b, a, b));
        }, iter: 100);
    }
}
