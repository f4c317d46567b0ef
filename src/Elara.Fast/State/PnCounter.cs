using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.State;

/// <summary>
/// PN-counter (Shapiro et al., "A comprehensive study of CRDTs", 2011, §3.1.3): per node, the total of its
/// increments (P) and of its decrements (N), each only growing; the join takes the per-node maximum of both and
/// the value is ΣP − ΣN. Each node's totals come from its own events applied in order (the version vector's
/// contiguity), so the larger total is always the longer history.
/// </summary>
/// <remarks>Encoding: count u16 · (node u64 · P u64 · N u64) × count, sorted by node.</remarks>
internal sealed class PnCounter : AtomValue
{
    /// <summary>Bytes per node in the encoding.</summary>
    public const int EntrySize = 24;

    private Entry[] _entries = new Entry[8];
    private int _count;

    public override CrdtKind Kind => CrdtKind.PnCounter;

    public override int EncodedLength => 2 + (_count * EntrySize);

    /// <summary>Nodes with a total.</summary>
    public int Count => _count;

    /// <summary>ΣP − ΣN, saturated at the i64 range.</summary>
    public long Value
    {
        get
        {
            Int128 sum = 0;
            for (var i = 0; i < _count; i++)
            {
                sum += _entries[i].Increments;
                sum -= _entries[i].Decrements;
            }

            return sum > long.MaxValue ? long.MaxValue : sum < long.MinValue ? long.MinValue : (long)sum;
        }
    }

    /// <summary>True when <paramref name="node"/> has no entry yet (an increment would add one).</summary>
    public bool IsNew(NodeId node) => NodeKeyed.IndexOf(_entries.AsSpan(0, _count), node) < 0;

    /// <summary>Adds <paramref name="delta"/> to the node's P (positive) or N (negative); false if a total would overflow.</summary>
    public bool TryAdd(NodeId node, long delta)
    {
        var i = NodeKeyed.IndexOf(_entries.AsSpan(0, _count), node);
        var entry = i >= 0 ? _entries[i] : new Entry(node, 0, 0);
        // |long.MinValue| does not fit a long, but does fit a ulong.
        var magnitude = delta >= 0 ? (ulong)delta : (ulong)(-(delta + 1)) + 1;
        if (delta >= 0)
        {
            if (entry.Increments > ulong.MaxValue - magnitude)
            {
                return false;
            }

            entry = entry with { Increments = entry.Increments + magnitude };
        }
        else
        {
            if (entry.Decrements > ulong.MaxValue - magnitude)
            {
                return false;
            }

            entry = entry with { Decrements = entry.Decrements + magnitude };
        }

        Put(i, entry);
        return true;
    }

    public override void Clear() => _count = 0;

    public override void CopyFrom(AtomValue other)
    {
        var o = (PnCounter)other;
        if (_entries.Length < o._count)
        {
            _entries = new Entry[o._entries.Length];
        }

        o._entries.AsSpan(0, o._count).CopyTo(_entries);
        _count = o._count;
    }

    public override void Join(AtomValue other, ReadOnlySpan<VersionVectorEntry> mine, ReadOnlySpan<VersionVectorEntry> theirs)
    {
        var o = (PnCounter)other;
        for (var k = 0; k < o._count; k++)
        {
            var theirsEntry = o._entries[k];
            var i = NodeKeyed.IndexOf(_entries.AsSpan(0, _count), theirsEntry.Node);
            var entry = i >= 0 ? _entries[i] : new Entry(theirsEntry.Node, 0, 0);
            Put(i, new Entry(entry.Node, Math.Max(entry.Increments, theirsEntry.Increments), Math.Max(entry.Decrements, theirsEntry.Decrements)));
        }
    }

    public override bool TryRead(ReadOnlySpan<byte> body)
    {
        _count = 0;
        var reader = new BodyReader(body);
        int count = reader.ReadUInt16();
        ulong previous = 0;
        for (var k = 0; k < count && !reader.Failed; k++)
        {
            var node = reader.ReadUInt64();
            var entry = new Entry(new NodeId(node), reader.ReadUInt64(), reader.ReadUInt64());
            if (node == 0 || (k > 0 && node <= previous))
            {
                return false;
            }

            previous = node;
            Put(~_count, entry);
        }

        return reader.IsCompleteAndValid;
    }

    public override void Write(Span<byte> destination)
    {
        var writer = new BodyWriter(destination);
        writer.WriteUInt16((ushort)_count);
        for (var i = 0; i < _count; i++)
        {
            writer.WriteUInt64(_entries[i].Node.Value);
            writer.WriteUInt64(_entries[i].Increments);
            writer.WriteUInt64(_entries[i].Decrements);
        }
    }

    public override int RemoveUnauthorized(AuthoritySet authority, NodeId owner)
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (authority.MayHaveContributed(_entries[i].Node, owner))
            {
                _entries[kept++] = _entries[i];
            }
        }

        var removed = _count - kept;
        _count = kept;
        return removed;
    }

    private void Put(int index, Entry entry)
    {
        if (index >= 0)
        {
            _entries[index] = entry;
            return;
        }

        NodeKeyed.Insert(ref _entries, ref _count, ~index, entry);
    }


    private readonly record struct Entry(NodeId Node, ulong Increments, ulong Decrements) : INodeKeyed;
}
