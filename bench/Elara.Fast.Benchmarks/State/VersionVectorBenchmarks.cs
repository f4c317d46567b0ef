using BenchmarkDotNet.Attributes;
using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Benchmarks.State;

/// <summary>
/// Comparing two version vectors that differ in their last entry (the worst case: the walk reads every entry),
/// against the obvious implementation a user would write: a Dictionary per vector, each key looked up in the other.
/// </summary>
[MemoryDiagnoser]
public class VersionVectorBenchmarks
{
    private VersionVectorEntry[] _a = [];
    private VersionVectorEntry[] _b = [];
    private Dictionary<ulong, ulong> _da = [];
    private Dictionary<ulong, ulong> _db = [];

    [Params(2, 8, 64)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _a = Enumerable.Range(1, Entries).Select(i => new VersionVectorEntry(new NodeId((ulong)i * 7919), (ulong)i)).ToArray();
        _b = _a.Select((e, i) => i == Entries - 1 ? e with { Counter = e.Counter + 1 } : e).ToArray();
        _da = _a.ToDictionary(e => e.Node.Value, e => e.Counter);
        _db = _b.ToDictionary(e => e.Node.Value, e => e.Counter);
    }

    [Benchmark(Baseline = true, Description = "Dictionary<ulong, ulong> compare")]
    public int DictionaryCompare()
    {
        bool aAhead = false, bAhead = false;
        foreach (var (node, counter) in _da)
        {
            var other = _db.GetValueOrDefault(node);
            aAhead |= counter > other;
            bAhead |= other > counter;
        }

        foreach (var (node, counter) in _db)
        {
            bAhead |= counter > _da.GetValueOrDefault(node);
        }

        return (int)(aAhead ? (bAhead ? VersionOrder.Concurrent : VersionOrder.Dominates) : bAhead ? VersionOrder.Dominated : VersionOrder.Equal);
    }

    [Benchmark(Description = "VersionVector.Compare (sorted arrays)")]
    public int SortedCompare() => (int)VersionVector.Compare(_a, _b);
}
