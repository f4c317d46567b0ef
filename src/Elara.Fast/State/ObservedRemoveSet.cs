using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.State;

/// <summary>
/// Observed-remove set, add wins (Bieniusa et al., "An optimized conflict-free replicated set", 2012): each add is
/// tagged with its unique event dot (node, counter); a remove deletes the tags it observed, so an add concurrent
/// with a remove survives it. No tombstones: a tag that one side lacks although its version vector covers the dot
/// was removed there, and the join drops it; a tag the other side has not seen yet is kept.
/// </summary>
/// <remarks>Encoding: count u16 · (node u64 · counter u64 · length u16 · element) × count, sorted by (node, counter).</remarks>
internal sealed class ObservedRemoveSet : AtomValue
{
    /// <summary>Bytes of a tag's encoding besides its element.</summary>
    public const int TagOverhead = 8 + 8 + 2;

    /// <summary>Bytes of one removed tag in a remove operation's body.</summary>
    public const int RemovedTagSize = 16;

    private Tag[] _tags = new Tag[8];
    private readonly ByteArena _arena = new(256);
    private int _count;

    public override CrdtKind Kind => CrdtKind.ObservedRemoveSet;

    public override int EncodedLength => 2 + (_count * TagOverhead) + _arena.LiveBytes;

    /// <summary>Tags held (an element added twice concurrently has two).</summary>
    public int Count => _count;

    /// <summary>The tag at <paramref name="index"/>, in (node, counter) order.</summary>
    public Tag this[int index] => _tags[index];

    /// <summary>The element a tag carries.</summary>
    public ReadOnlySpan<byte> ElementOf(Tag tag) => _arena.Slice(tag.Offset, tag.Length);

    /// <summary>True when some tag carries <paramref name="element"/>.</summary>
    public bool Contains(ReadOnlySpan<byte> element)
    {
        for (var i = 0; i < _count; i++)
        {
            if (ElementOf(_tags[i]).SequenceEqual(element))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds <paramref name="element"/> under the tag (node, counter); false when that tag is already held.</summary>
    public bool TryAdd(NodeId node, ulong counter, ReadOnlySpan<byte> element)
    {
        var at = Find(node, counter, out var exists);
        if (exists)
        {
            return false;
        }

        var offset = _arena.Store(element, _tags.AsSpan(0, _count));
        NodeKeyed.Insert(ref _tags, ref _count, at, new Tag(node, counter, offset, element.Length));
        return true;
    }

    /// <summary>Removes the tag (node, counter) if held.</summary>
    public bool Remove(NodeId node, ulong counter)
    {
        var at = Find(node, counter, out var exists);
        if (exists)
        {
            RemoveAt(at);
        }

        return exists;
    }

    /// <summary>Writes the tags carrying <paramref name="element"/> as a remove body (count u16 · (node · counter)…); returns its length.</summary>
    public int WriteRemoveBody(ReadOnlySpan<byte> element, Span<byte> destination)
    {
        var matches = 0;
        for (var i = 0; i < _count; i++)
        {
            matches += ElementOf(_tags[i]).SequenceEqual(element) ? 1 : 0;
        }

        var length = 2 + (matches * RemovedTagSize);
        if (length > destination.Length)
        {
            return -1;
        }

        var writer = new BodyWriter(destination);
        writer.WriteUInt16((ushort)matches);
        for (var i = 0; i < _count; i++)
        {
            if (ElementOf(_tags[i]).SequenceEqual(element))
            {
                writer.WriteUInt64(_tags[i].Node.Value);
                writer.WriteUInt64(_tags[i].Counter);
            }
        }

        return length;
    }

    public override void Clear()
    {
        _count = 0;
        _arena.Clear();
    }

    public override void CopyFrom(AtomValue other)
    {
        var o = (ObservedRemoveSet)other;
        Clear();
        for (var i = 0; i < o._count; i++)
        {
            TryAdd(o._tags[i].Node, o._tags[i].Counter, o.ElementOf(o._tags[i]));
        }
    }

    public override void Join(AtomValue other, ReadOnlySpan<VersionVectorEntry> mine, ReadOnlySpan<VersionVectorEntry> theirs)
    {
        var o = (ObservedRemoveSet)other;
        // Mine only, and their history covers the dot: they removed it.
        for (var i = _count - 1; i >= 0; i--)
        {
            var t = _tags[i];
            o.Find(t.Node, t.Counter, out var theyHaveIt);
            if (!theyHaveIt && Covers(theirs, t.Node, t.Counter))
            {
                RemoveAt(i);
            }
        }

        // Theirs only, and my history does not cover the dot: new to me.
        for (var i = 0; i < o._count; i++)
        {
            var t = o._tags[i];
            if (!Covers(mine, t.Node, t.Counter))
            {
                TryAdd(t.Node, t.Counter, o.ElementOf(t));
            }
        }
    }

    public override bool TryRead(ReadOnlySpan<byte> body)
    {
        Clear();
        var reader = new BodyReader(body);
        int count = reader.ReadUInt16();
        for (var i = 0; i < count && !reader.Failed; i++)
        {
            var node = new NodeId(reader.ReadUInt64());
            var counter = reader.ReadUInt64();
            var element = reader.ReadBytes(reader.ReadUInt16());
            if (reader.Failed || node == NodeId.None || counter == 0 || !TryAdd(node, counter, element))
            {
                return false;
            }
        }

        return reader.IsCompleteAndValid;
    }

    public override void Write(Span<byte> destination)
    {
        var writer = new BodyWriter(destination);
        writer.WriteUInt16((ushort)_count);
        for (var i = 0; i < _count; i++)
        {
            writer.WriteUInt64(_tags[i].Node.Value);
            writer.WriteUInt64(_tags[i].Counter);
            writer.WriteUInt16((ushort)_tags[i].Length);
            writer.WriteBytes(ElementOf(_tags[i]));
        }
    }

    public override int RemoveUnauthorized(AuthoritySet authority, NodeId owner)
    {
        var removed = 0;
        for (var i = _count - 1; i >= 0; i--)
        {
            if (!authority.MayHaveContributed(_tags[i].Node, owner))
            {
                RemoveAt(i);
                removed++;
            }
        }

        return removed;
    }

    private static bool Covers(ReadOnlySpan<VersionVectorEntry> version, NodeId node, ulong counter)
    {
        var i = VersionVector.IndexOf(version, node);
        return i >= 0 && version[i].Counter >= counter;
    }

    private int Find(NodeId node, ulong counter, out bool exists)
    {
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var t = _tags[mid];
            var c = t.Node.Value != node.Value ? t.Node.Value.CompareTo(node.Value) : t.Counter.CompareTo(counter);
            if (c == 0)
            {
                exists = true;
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        exists = false;
        return lo;
    }

    private void RemoveAt(int index)
    {
        _arena.Release(_tags[index].Length);
        _tags.AsSpan(index + 1, _count - index - 1).CopyTo(_tags.AsSpan(index));
        _count--;
    }

    /// <summary>An add's unique tag and where its element lives in the arena.</summary>
    internal readonly record struct Tag(NodeId Node, ulong Counter, int Offset, int Length) : IArenaSlice<Tag>
    {
        public Tag WithOffset(int offset) => this with { Offset = offset };
    }
}
