using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.State;

/// <summary>
/// Blend of continuous values (a position, a volume): each node contributes a vector of
/// <see cref="Dimensions"/> floats with a weight (the Blend mutation's), and the value is the weighted mean of every
/// node's latest contribution.
/// </summary>
/// <remarks>
/// The state is a map node → (counter, weight, vector); the join keeps, per node, the contribution with the higher
/// counter (a node's counter orders its own events), which is commutative, associative and idempotent. The value is
/// a pure function of that map, Σ wᵢ·vᵢ / Σ wᵢ over nodes with wᵢ &gt; 0, summed in node order in double precision,
/// so every replica holding the same map computes bit-identical floats. A weight is finite and ≥ 0; weight 0
/// withdraws a node's vote without forgetting that it voted.
/// Encoding: dimensions u8 · count u16 · (node u64 · counter u64 · weight f32 · dimensions × f32) × count, by node.
/// </remarks>
internal sealed class BlendValue : AtomValue
{
    /// <summary>Most components a blended vector may have.</summary>
    public const int MaxDimensions = 16;

    private Contribution[] _entries = new Contribution[4];
    private float[] _values;
    private int _count;

    public BlendValue(int dimensions)
    {
        Dimensions = dimensions;
        _values = new float[4 * Math.Max(1, dimensions)];
    }

    public override CrdtKind Kind => CrdtKind.Blend;

    /// <summary>Components per vector.</summary>
    public int Dimensions { get; private set; }

    /// <summary>Nodes with a contribution.</summary>
    public int Count => _count;

    /// <summary>Bytes of one node's contribution in the encoding.</summary>
    public int EntrySize => 8 + 8 + 4 + (4 * Dimensions);

    public override int EncodedLength => 1 + 2 + (_count * EntrySize);

    /// <summary>True when <paramref name="node"/> has not contributed yet.</summary>
    public bool IsNew(NodeId node) => NodeKeyed.IndexOf(_entries.AsSpan(0, _count), node) < 0;

    /// <summary>True for a weight a blend accepts.</summary>
    public static bool IsValidWeight(float weight) => float.IsFinite(weight) && weight >= 0;

    /// <summary>Takes the node's contribution if it is newer than the one held; true when it did.</summary>
    public bool Offer(NodeId node, ulong counter, float weight, ReadOnlySpan<float> vector)
    {
        var i = NodeKeyed.IndexOf(_entries.AsSpan(0, _count), node);
        if (i >= 0)
        {
            if (counter <= _entries[i].Counter)
            {
                return false;
            }

            _entries[i] = new Contribution(node, counter, weight);
            vector.CopyTo(_values.AsSpan(i * Dimensions, Dimensions));
            return true;
        }

        i = ~i;
        if ((_count + 1) * Dimensions > _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values.AsSpan(i * Dimensions, (_count - i) * Dimensions).CopyTo(_values.AsSpan((i + 1) * Dimensions));
        vector.CopyTo(_values.AsSpan(i * Dimensions, Dimensions));
        NodeKeyed.Insert(ref _entries, ref _count, i, new Contribution(node, counter, weight));
        return true;
    }

    /// <summary>The weighted mean into <paramref name="destination"/>; false when no contribution has weight.</summary>
    public bool TryGetValue(Span<float> destination)
    {
        Span<double> sums = stackalloc double[MaxDimensions];
        double total = 0;
        for (var i = 0; i < _count; i++)
        {
            var w = (double)_entries[i].Weight;
            if (w <= 0)
            {
                continue;
            }

            total += w;
            for (var d = 0; d < Dimensions; d++)
            {
                sums[d] += w * _values[(i * Dimensions) + d];
            }
        }

        if (total <= 0)
        {
            return false;
        }

        for (var d = 0; d < Dimensions; d++)
        {
            destination[d] = (float)(sums[d] / total);
        }

        return true;
    }

    public override void Clear() => _count = 0;

    public override void CopyFrom(AtomValue other)
    {
        var o = (BlendValue)other;
        Dimensions = o.Dimensions;
        _count = 0;
        for (var i = 0; i < o._count; i++)
        {
            var e = o._entries[i];
            Offer(e.Node, e.Counter, e.Weight, o._values.AsSpan(i * o.Dimensions, o.Dimensions));
        }
    }

    public override void Join(AtomValue other, ReadOnlySpan<VersionVectorEntry> mine, ReadOnlySpan<VersionVectorEntry> theirs)
    {
        var o = (BlendValue)other;
        for (var i = 0; i < o._count; i++)
        {
            var e = o._entries[i];
            Offer(e.Node, e.Counter, e.Weight, o._values.AsSpan(i * o.Dimensions, o.Dimensions));
        }
    }

    public override bool TryRead(ReadOnlySpan<byte> body)
    {
        _count = 0;
        var reader = new BodyReader(body);
        int dimensions = reader.ReadByte();
        if (dimensions is < 1 or > MaxDimensions)
        {
            return false;
        }

        Dimensions = dimensions;
        if (_values.Length < dimensions)
        {
            _values = new float[4 * dimensions];
        }

        int count = reader.ReadUInt16();
        Span<float> vector = stackalloc float[MaxDimensions];
        ulong previous = 0;
        for (var i = 0; i < count && !reader.Failed; i++)
        {
            var node = reader.ReadUInt64();
            var counter = reader.ReadUInt64();
            var weight = reader.ReadSingle();
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] = reader.ReadSingle();
                if (!float.IsFinite(vector[d]))
                {
                    return false;
                }
            }

            if (reader.Failed || node == 0 || counter == 0 || (i > 0 && node <= previous) || !IsValidWeight(weight))
            {
                return false;
            }

            previous = node;
            Offer(new NodeId(node), counter, weight, vector[..dimensions]);
        }

        return reader.IsCompleteAndValid;
    }

    public override void Write(Span<byte> destination)
    {
        var writer = new BodyWriter(destination);
        writer.WriteByte((byte)Dimensions);
        writer.WriteUInt16((ushort)_count);
        for (var i = 0; i < _count; i++)
        {
            writer.WriteUInt64(_entries[i].Node.Value);
            writer.WriteUInt64(_entries[i].Counter);
            writer.WriteSingle(_entries[i].Weight);
            for (var d = 0; d < Dimensions; d++)
            {
                writer.WriteSingle(_values[(i * Dimensions) + d]);
            }
        }
    }

    public override int RemoveUnauthorized(AuthoritySet authority, NodeId owner)
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (authority.MayHaveContributed(_entries[i].Node, owner))
            {
                _values.AsSpan(i * Dimensions, Dimensions).CopyTo(_values.AsSpan(kept * Dimensions));
                _entries[kept++] = _entries[i];
            }
        }

        var removed = _count - kept;
        _count = kept;
        return removed;
    }

    private readonly record struct Contribution(NodeId Node, ulong Counter, float Weight) : INodeKeyed;
}
