using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.State;

/// <summary>
/// Append-only log, the chat feed: entries ordered by (τs, author, sequence), where the sequence is the author's
/// event counter (unique per author), and deduplicated by message id. The join is the union; when two entries
/// share a message id the one with the smaller (τs, author, sequence) stays, so the rule is the same on every
/// replica whatever arrives first.
/// </summary>
/// <remarks>Encoding: count u16 · (τs i64 · author u64 · sequence u64 · message id u64 · length u16 · text) × count, in log order.</remarks>
internal sealed class AppendLog : AtomValue
{
    /// <summary>Bytes of an entry's encoding besides its text.</summary>
    public const int EntryOverhead = 8 + 8 + 8 + 8 + 2;

    private LogEntry[] _entries = new LogEntry[16];
    private readonly ByteArena _arena = new(1024);
    private int _count;

    public override CrdtKind Kind => CrdtKind.AppendLog;

    public override int EncodedLength => 2 + (_count * EntryOverhead) + _arena.LiveBytes;

    /// <summary>Entries in log order.</summary>
    public int Count => _count;

    /// <summary>The entry at <paramref name="index"/> in log order.</summary>
    public LogEntry this[int index] => _entries[index];

    /// <summary>The text of an entry.</summary>
    public ReadOnlySpan<byte> TextOf(LogEntry entry) => _arena.Slice(entry.Offset, entry.Length);

    /// <summary>Adds an entry; false when it is a duplicate (same message id, not ordered before the one held, or the same key).</summary>
    public bool TryAdd(long timestamp, NodeId author, ulong sequence, MessageId messageId, ReadOnlySpan<byte> text)
    {
        var key = new LogEntry(timestamp, author, sequence, messageId, 0, 0);
        var at = FindInsertion(key, out var exists);
        if (exists)
        {
            return false;
        }

        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].MessageId == messageId)
            {
                if (Order(key, _entries[i]) > 0)
                {
                    return false;
                }

                RemoveAt(i);
                if (i < at)
                {
                    at--;
                }

                break;
            }
        }

        var offset = _arena.Store(text, _entries.AsSpan(0, _count));
        NodeKeyed.Insert(ref _entries, ref _count, at, key with { Offset = offset, Length = text.Length });
        return true;
    }

    public override void Clear()
    {
        _count = 0;
        _arena.Clear();
    }

    public override void CopyFrom(AtomValue other)
    {
        var o = (AppendLog)other;
        Clear();
        for (var i = 0; i < o._count; i++)
        {
            var e = o._entries[i];
            TryAdd(e.Timestamp, e.Author, e.Sequence, e.MessageId, o.TextOf(e));
        }
    }

    public override void Join(AtomValue other, ReadOnlySpan<VersionVectorEntry> mine, ReadOnlySpan<VersionVectorEntry> theirs)
    {
        var o = (AppendLog)other;
        for (var i = 0; i < o._count; i++)
        {
            var e = o._entries[i];
            TryAdd(e.Timestamp, e.Author, e.Sequence, e.MessageId, o.TextOf(e));
        }
    }

    public override bool TryRead(ReadOnlySpan<byte> body)
    {
        Clear();
        var reader = new BodyReader(body);
        int count = reader.ReadUInt16();
        for (var i = 0; i < count && !reader.Failed; i++)
        {
            var timestamp = reader.ReadInt64();
            var author = new NodeId(reader.ReadUInt64());
            var sequence = reader.ReadUInt64();
            var messageId = new MessageId(reader.ReadUInt64());
            var text = reader.ReadBytes(reader.ReadUInt16());
            if (reader.Failed || author == NodeId.None || sequence == 0 || !TryAdd(timestamp, author, sequence, messageId, text))
            {
                return false; // cut short, or a canonical encoding never repeats an id or a key
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
            var e = _entries[i];
            writer.WriteInt64(e.Timestamp);
            writer.WriteUInt64(e.Author.Value);
            writer.WriteUInt64(e.Sequence);
            writer.WriteUInt64(e.MessageId.Value);
            writer.WriteUInt16((ushort)e.Length);
            writer.WriteBytes(TextOf(e));
        }
    }

    public override int RemoveUnauthorized(AuthoritySet authority, NodeId owner)
    {
        var removed = 0;
        for (var i = _count - 1; i >= 0; i--)
        {
            if (!authority.MayHaveContributed(_entries[i].Author, owner))
            {
                RemoveAt(i);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Orders two entries by (τs, author, sequence).</summary>
    private static int Order(in LogEntry a, in LogEntry b)
    {
        var c = a.Timestamp.CompareTo(b.Timestamp);
        if (c != 0)
        {
            return c;
        }

        c = a.Author.Value.CompareTo(b.Author.Value);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    }

    private int FindInsertion(in LogEntry key, out bool exists)
    {
        // Chat arrives mostly in order: look from the end.
        var i = _count;
        while (i > 0)
        {
            var c = Order(_entries[i - 1], key);
            if (c < 0)
            {
                break;
            }

            if (c == 0)
            {
                exists = true;
                return i - 1;
            }

            i--;
        }

        exists = false;
        return i;
    }

    private void RemoveAt(int index)
    {
        _arena.Release(_entries[index].Length);
        _entries.AsSpan(index + 1, _count - index - 1).CopyTo(_entries.AsSpan(index));
        _count--;
    }

}

/// <summary>One log entry; its text lives in the log's arena at (<see cref="Offset"/>, <see cref="Length"/>).</summary>
internal readonly record struct LogEntry(long Timestamp, NodeId Author, ulong Sequence, MessageId MessageId, int Offset, int Length)
    : IArenaSlice<LogEntry>
{
    public LogEntry WithOffset(int offset) => this with { Offset = offset };
}
