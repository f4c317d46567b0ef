using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.State;

/// <summary>
/// A version vector: node id → counter, as a compact array of <see cref="VersionVectorEntry"/> sorted by node id
/// with no zero counters, exactly the layout an event block carries (WIRE.md "Payload"), so a vector goes to the
/// wire as a span and comes back from it without a copy (<see cref="FromWire"/>).
/// </summary>
/// <remarks>
/// A counter is the number of events of that node this replica has applied to the atom, contiguously: entry
/// (n, c) means events 1..c of n, and nothing beyond. That is what lets two vectors stand for two histories and
/// <see cref="Compare"/> order them. Storage grows only when a node appears for the first time.
/// </remarks>
internal sealed class VersionVector
{
    private VersionVectorEntry[] _entries;
    private int _count;

    /// <summary>An empty vector with room for <paramref name="capacity"/> nodes before it grows.</summary>
    public VersionVector(int capacity = 4) => _entries = new VersionVectorEntry[Math.Max(1, capacity)];

    /// <summary>Nodes with a non-zero counter.</summary>
    public int Count => _count;

    /// <summary>The entries, sorted by node id.</summary>
    public ReadOnlySpan<VersionVectorEntry> Entries => _entries.AsSpan(0, _count);

    /// <summary>The counter of <paramref name="node"/> (0 when absent).</summary>
    public ulong Get(NodeId node)
    {
        var i = IndexOf(Entries, node);
        return i >= 0 ? _entries[i].Counter : 0;
    }

    /// <summary>Sets the counter of <paramref name="node"/> (a zero removes it).</summary>
    public void Set(NodeId node, ulong counter)
    {
        var i = IndexOf(Entries, node);
        if (i >= 0)
        {
            if (counter == 0)
            {
                _entries.AsSpan(i + 1, _count - i - 1).CopyTo(_entries.AsSpan(i));
                _count--;
            }
            else
            {
                _entries[i] = new VersionVectorEntry(node, counter);
            }

            return;
        }

        if (counter == 0)
        {
            return;
        }

        i = ~i;
        if (_count == _entries.Length)
        {
            Grow();
        }

        _entries.AsSpan(i, _count - i).CopyTo(_entries.AsSpan(i + 1));
        _entries[i] = new VersionVectorEntry(node, counter);
        _count++;
    }

    /// <summary>Empties the vector, keeping its storage.</summary>
    public void Clear() => _count = 0;

    /// <summary>Makes this vector a copy of <paramref name="entries"/> (sorted, as a reader validated them).</summary>
    public void CopyFrom(ReadOnlySpan<VersionVectorEntry> entries)
    {
        _count = 0;
        foreach (var entry in entries)
        {
            if (entry.Counter != 0)
            {
                if (_count == _entries.Length)
                {
                    Grow();
                }

                _entries[_count++] = entry;
            }
        }
    }

    /// <summary>The pointwise maximum with <paramref name="other"/> (the join of two histories).</summary>
    public void MergeFrom(ReadOnlySpan<VersionVectorEntry> other)
    {
        foreach (var entry in other)
        {
            if (entry.Counter > Get(entry.Node))
            {
                Set(entry.Node, entry.Counter);
            }
        }
    }

    /// <summary>Nodes of <paramref name="other"/> missing here (how many entries a merge would add).</summary>
    public int CountMissing(ReadOnlySpan<VersionVectorEntry> other)
    {
        var missing = 0;
        foreach (var entry in other)
        {
            if (entry.Counter != 0 && IndexOf(Entries, entry.Node) < 0)
            {
                missing++;
            }
        }

        return missing;
    }

    /// <summary>
    /// Orders <paramref name="a"/> against <paramref name="b"/> in one merge walk over the two sorted arrays
    /// (O(n + m), no allocation). A zero counter and an absent entry mean the same.
    /// </summary>
    public static VersionOrder Compare(ReadOnlySpan<VersionVectorEntry> a, ReadOnlySpan<VersionVectorEntry> b)
    {
        bool aAhead = false, bAhead = false;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            var na = a[i].Node.Value;
            var nb = b[j].Node.Value;
            if (na == nb)
            {
                var ca = a[i].Counter;
                var cb = b[j].Counter;
                aAhead |= ca > cb;
                bAhead |= cb > ca;
                i++;
                j++;
            }
            else if (na < nb)
            {
                aAhead |= a[i++].Counter != 0;
            }
            else
            {
                bAhead |= b[j++].Counter != 0;
            }
        }

        for (; i < a.Length; i++)
        {
            aAhead |= a[i].Counter != 0;
        }

        for (; j < b.Length; j++)
        {
            bAhead |= b[j].Counter != 0;
        }

        return aAhead ? (bAhead ? VersionOrder.Concurrent : VersionOrder.Dominates)
            : bAhead ? VersionOrder.Dominated : VersionOrder.Equal;
    }

    /// <summary>
    /// The entries of a block's version vector as a span, without copying when the machine is little-endian (the
    /// wire's byte order); otherwise decoded into <paramref name="scratch"/>.
    /// </summary>
    public static ReadOnlySpan<VersionVectorEntry> FromWire(VersionVectorEntries entries, Span<VersionVectorEntry> scratch)
    {
        if (BitConverter.IsLittleEndian)
        {
            // VersionVectorEntry is two u64 fields, sequential: byte for byte the wire entry.
            return MemoryMarshal.Cast<byte, VersionVectorEntry>(entries.Bytes);
        }

        var n = Math.Min(entries.Count, scratch.Length);
        for (var k = 0; k < n; k++)
        {
            scratch[k] = entries[k];
        }

        return scratch[..n];
    }

    /// <summary>The index of <paramref name="node"/>, or the complement of where it would go.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOf(ReadOnlySpan<VersionVectorEntry> entries, NodeId node)
        => NodeKeyed.IndexOf(MemoryMarshal.Cast<VersionVectorEntry, Slot>(entries), node);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow() => Array.Resize(ref _entries, _entries.Length * 2);

    /// <summary>A <see cref="VersionVectorEntry"/> seen as a node-keyed entry: the same two u64 fields, the same layout.</summary>
    private readonly record struct Slot(NodeId Node, ulong Counter) : INodeKeyed;
}
