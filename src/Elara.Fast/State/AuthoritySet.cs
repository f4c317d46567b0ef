using Elara.Fast.Primitives;

namespace Elara.Fast.State;

/// <summary>
/// Who besides the owner may mutate an atom. Each entry is the owner's latest word on one node: granted or
/// revoked, ordered by the owner's event counter (only the owner issues grants, so its counter orders them and
/// the join keeps the higher). A node that was ever granted keeps its entry after a revoke, so merged state can
/// still carry what it wrote while it held authority.
/// </summary>
internal sealed class AuthoritySet
{
    /// <summary>Entries an atom may hold (its encoding counts them in one byte).</summary>
    public const int MaxEntries = 255;

    /// <summary>Bytes one entry takes in an atom's encoding: node, counter, granted.</summary>
    public const int EntrySize = 17;

    private Entry[] _entries = new Entry[2];
    private int _count;

    /// <summary>Entries held.</summary>
    public int Count => _count;

    /// <summary>Bytes of the entries in an atom's encoding.</summary>
    public int EncodedLength => _count * EntrySize;

    /// <summary>True when <paramref name="node"/> may mutate now: the owner, or granted and not since revoked.</summary>
    public bool IsAuthorized(NodeId node, NodeId owner)
    {
        if (node == owner)
        {
            return true;
        }

        var i = NodeKeyed.IndexOf(_entries.AsSpan(0, _count), node);
        return i >= 0 && _entries[i].Granted;
    }

    /// <summary>True when <paramref name="node"/> is the owner or was ever granted (its merged contributions stand).</summary>
    public bool MayHaveContributed(NodeId node, NodeId owner) => node == owner || NodeKeyed.IndexOf(_entries.AsSpan(0, _count), node) >= 0;

    /// <summary>Records the owner's grant or revoke issued as its event <paramref name="counter"/>; false when full.</summary>
    public bool TrySet(NodeId node, ulong counter, bool granted)
    {
        var i = NodeKeyed.IndexOf(_entries.AsSpan(0, _count), node);
        if (i >= 0)
        {
            if (counter > _entries[i].Counter)
            {
                _entries[i] = new Entry(node, counter, granted);
            }

            return true;
        }

        if (_count == MaxEntries)
        {
            return false;
        }

        NodeKeyed.Insert(ref _entries, ref _count, ~i, new Entry(node, counter, granted));
        return true;
    }

    /// <summary>Joins another set: per node, the entry with the higher owner counter.</summary>
    public bool TryJoin(AuthoritySet other)
    {
        for (var i = 0; i < other._count; i++)
        {
            var e = other._entries[i];
            if (!TrySet(e.Node, e.Counter, e.Granted))
            {
                return false;
            }
        }

        return true;
    }

    public void CopyFrom(AuthoritySet other)
    {
        if (_entries.Length < other._count)
        {
            _entries = new Entry[other._entries.Length];
        }

        other._entries.AsSpan(0, other._count).CopyTo(_entries);
        _count = other._count;
    }

    public void Clear() => _count = 0;

    public void Write(ref BodyWriter writer)
    {
        for (var i = 0; i < _count; i++)
        {
            writer.WriteUInt64(_entries[i].Node.Value);
            writer.WriteUInt64(_entries[i].Counter);
            writer.WriteByte(_entries[i].Granted ? (byte)1 : (byte)0);
        }
    }

    /// <summary>Reads <paramref name="count"/> entries, which must be sorted strictly by node.</summary>
    public bool TryRead(ref BodyReader reader, int count)
    {
        _count = 0;
        ulong previous = 0;
        for (var i = 0; i < count; i++)
        {
            var node = reader.ReadUInt64();
            var counter = reader.ReadUInt64();
            var granted = reader.ReadByte();
            if (reader.Failed || granted > 1 || (i > 0 && node <= previous) || node == 0)
            {
                return false;
            }

            previous = node;
            TrySet(new NodeId(node), counter, granted == 1);
        }

        return true;
    }


    private readonly record struct Entry(NodeId Node, ulong Counter, bool Granted) : INodeKeyed;
}
