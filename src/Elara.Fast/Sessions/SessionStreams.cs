using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using System.Threading.Channels;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Sessions;

/// <summary>One feed item as the Apply thread keeps it (mutable; readers get <see cref="FeedItem"/> snapshots).</summary>
internal sealed class FeedRecord
{
    public const int FixedBytes = 64;

    public long Sequence;
    public FeedItemKind Kind;
    public StreamId Stream;
    public MessageRef Message;
    public MessageRef? ReplyTo;
    public long TimeMs;
    public byte[] Text = [];
    public bool Edited;
    public bool Deleted;
    public bool Relayed;
    public long EditTimeMs;
    public ulong EditId;
    public List<(NodeId Reactor, byte[] Key)>? Reactions;
    public long Bytes;

    public long Measure()
    {
        long bytes = FixedBytes + Text.Length;
        if (Reactions is { } reactions)
        {
            foreach (var (_, key) in reactions)
            {
                bytes += 16 + key.Length;
            }
        }

        return bytes;
    }

    public FeedItem Snapshot()
    {
        Reaction[] reactions = [];
        if (Reactions is { Count: > 0 } list)
        {
            reactions = new Reaction[list.Count];
            for (var i = 0; i < list.Count; i++)
            {
                reactions[i] = new Reaction(list[i].Reactor, Encoding.UTF8.GetString(list[i].Key));
            }
        }

        return new FeedItem(
            Sequence, Kind, Stream, Message, ReplyTo, DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(TimeMs, 0, 253402300799999)),
            Encoding.UTF8.GetString(Text), Edited, Deleted, Relayed, reactions);
    }
}

/// <summary>A live follower of a feed: a bounded channel, and the backlog that waits while the reader is slow.</summary>
internal sealed class FeedFollower(int capacity)
{
    public Channel<FeedEntry> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<FeedEntry>(
        new BoundedChannelOptions(capacity) { SingleWriter = true, SingleReader = false, FullMode = BoundedChannelFullMode.Wait });

    public Queue<FeedEntry> Backlog { get; } = new();

    public bool Closed { get; set; }
}

/// <summary>
/// A session's streams on this node: the stream table, text messages (edits, tombstones, reactions), typing
/// indicators, presence, and the feed. Apply thread only: every event of every participant, and this node's own,
/// goes through <see cref="Apply"/> in delivery order, so nothing here needs a lock.
/// </summary>
internal sealed class SessionStreams
{
    private readonly Session _session;
    private readonly NodeId _self;
    private readonly Dictionary<StreamId, SessionStream> _streams = [];
    private readonly Dictionary<MessageRef, FeedRecord> _messages = [];
    private readonly List<FeedRecord?> _feed = [];
    private readonly Dictionary<(StreamId Stream, NodeId Node), long> _typing = [];
    private readonly Dictionary<NodeId, PresenceRecord> _presence = [];
    private readonly List<FeedFollower> _followers = [];
    private int _head;
    private long _nextSequence = 1;
    private long _bytes;
    private long _evicted;
    private long _followersDropped;

    public SessionStreams(Session session, NodeId self)
    {
        _session = session;
        _self = self;
    }

    public int MaxItems { get; set; } = 10_000;

    public long MaxBytes { get; set; } = 8L << 20;

    public int FollowerBacklog { get; set; } = 4096;

    /// <summary>Typing TTL in timestamp ticks.</summary>
    public long TypingTtl { get; set; } = TimeSpan.FromSeconds(30).Ticks;

    /// <summary>History items that arrived again (a late joiner hears each author's items from several members).</summary>
    public long HistoryDuplicates { get; private set; }

    /// <summary>Whether any stream event was ever applied: the node skips the sweep of sessions that never used one.</summary>
    public bool InUse { get; private set; }

    /// <summary>Applies one stream event from <paramref name="sender"/>; returns why it was refused, or null when applied.</summary>
    public StreamRefusal? Apply(NodeId sender, PacketClass packetClass, in EventBlock block, long now)
    {
        if (packetClass != PacketClass.Core)
        {
            return StreamRefusal.StreamEventInvalid; // text, presence and stream lifecycle are reliable, ordered events
        }

        if (block.Mutation.Kind != MutationKind.Set)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        InUse = true;
        var body = block.Mutation.Bytes;
        var stream = new StreamId((uint)block.StateId.Value);
        if (block.EventType is not EventType.PresenceUpdate && block.StateId.Value > uint.MaxValue)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        return block.EventType switch
        {
            EventType.StreamStart => StartStream(sender, stream, body),
            EventType.StreamEnd => EndStream(sender, stream),
            EventType.TextAppend => AppendText(sender, stream, body),
            EventType.TextEdit => EditText(sender, stream, body),
            EventType.TextDelete => DeleteText(sender, stream, body),
            EventType.TextReact => React(sender, stream, body),
            EventType.TypingStart or EventType.TypingStop => Typing(sender, stream, block.EventType == EventType.TypingStart, body, now),
            EventType.PresenceUpdate => UpdatePresence(sender, body),
            EventType.FeedAppend => AppendHistory(sender, body),
            _ => StreamRefusal.StreamEventInvalid,
        };
    }

    /// <summary>Whether <paramref name="type"/> is one of the events this class applies (the rest go to the embedder).</summary>
    public static bool Handles(EventType type) => type is EventType.StreamStart or EventType.StreamEnd or EventType.TextAppend
        or EventType.TextEdit or EventType.TextDelete or EventType.TextReact or EventType.TypingStart or EventType.TypingStop
        or EventType.PresenceUpdate or EventType.FeedAppend or EventType.FeedDelete;

    /// <summary>A participant left or timed out: its streams end, its typing stops, its presence turns Offline.</summary>
    public void ReleaseOwner(NodeId node, long wallMs)
    {
        List<StreamId>? ended = null;
        foreach (var (id, stream) in _streams)
        {
            if (stream.Owner == node)
            {
                (ended ??= []).Add(id);
            }
        }

        if (ended is not null)
        {
            foreach (var id in ended)
            {
                EndStream(node, id);
            }
        }

        RemoveTypingOf(node);
        if (_presence.TryGetValue(node, out var presence))
        {
            presence.Availability = Availability.Offline;
            presence.LastActiveMs = Math.Max(presence.LastActiveMs, wallMs);
        }
    }

    /// <summary>Expires typing indicators past their TTL and moves waiting changes to followers that caught up.</summary>
    public void Sweep(long now)
    {
        // Dictionary<,>.Remove during enumeration is allowed: no list of the expired is needed.
        foreach (var (key, expiry) in _typing)
        {
            if (expiry <= now)
            {
                _typing.Remove(key);
            }
        }

        for (var i = _followers.Count - 1; i >= 0; i--)
        {
            Drain(_followers[i]);
        }
    }

    /// <summary>Closes every follower (the session closed on this node).</summary>
    public void Close()
    {
        foreach (var follower in _followers)
        {
            follower.Closed = true;
            follower.Channel.Writer.TryComplete();
        }

        _followers.Clear();
        _typing.Clear();
        _streams.Clear();
        _session.PublishStreams(new Dictionary<StreamId, SessionStream>());
    }

    // ---- reads (Apply thread, through the node's command queue) ----

    public FeedPage Read(long cursor, int max, FeedDirection direction)
    {
        max = Math.Clamp(max, 1, 10_000);
        var items = new List<FeedItem>(Math.Min(max, 256));
        var oldest = Oldest;
        var newest = _nextSequence - 1;
        if (direction == FeedDirection.Forward)
        {
            var index = IndexOfAtLeast(Math.Max(cursor, oldest));
            for (; index < _feed.Count && items.Count < max; index++)
            {
                items.Add(_feed[index]!.Snapshot());
            }

            var next = items.Count > 0 ? items[^1].Sequence + 1 : Math.Max(cursor, oldest);
            return new FeedPage(items, next, oldest, newest);
        }
        else
        {
            var index = IndexOfAtLeast(Math.Min(cursor, newest) + 1) - 1;
            for (; index >= _head && items.Count < max; index--)
            {
                items.Add(_feed[index]!.Snapshot());
            }

            var next = items.Count > 0 ? items[^1].Sequence - 1 : 0;
            return new FeedPage(items, next, oldest, newest);
        }
    }

    /// <summary>Adds a follower: backfill from <paramref name="from"/>, then live, on this thread, so nothing falls between.</summary>
    public void Follow(FeedFollower follower, long from)
    {
        for (var index = IndexOfAtLeast(Math.Max(from, Oldest)); index < _feed.Count; index++)
        {
            follower.Backlog.Enqueue(new FeedEntry(FeedChange.Appended, _feed[index]!.Snapshot()));
        }

        _followers.Add(follower);
        Drain(follower);
    }

    public void Unfollow(FeedFollower follower)
    {
        if (_followers.Remove(follower))
        {
            follower.Closed = true;
            follower.Channel.Writer.TryComplete();
        }
    }

    public IReadOnlyList<PresenceInfo> ReadPresence()
    {
        var list = new List<PresenceInfo>(_presence.Count);
        foreach (var (node, record) in _presence)
        {
            list.Add(new PresenceInfo(node, record.Availability, Encoding.UTF8.GetString(record.Status), DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(record.LastActiveMs, 0, 253402300799999))));
        }

        list.Sort(static (a, b) => a.Node.Value.CompareTo(b.Node.Value));
        return list;
    }

    public IReadOnlyList<NodeId> ReadTyping(StreamId stream, long now)
    {
        var list = new List<NodeId>();
        foreach (var ((id, node), expiry) in _typing)
        {
            if (id == stream && expiry > now)
            {
                list.Add(node);
            }
        }

        list.Sort(static (a, b) => a.Value.CompareTo(b.Value));
        return list;
    }

    public FeedItem? ReadMessage(MessageRef message) => _messages.TryGetValue(message, out var record) ? record.Snapshot() : null;

    public StreamStatistics Statistics() => new(
        _streams.Count, _typing.Count, _feed.Count - _head, _bytes, _evicted, _followers.Count, _followersDropped, _messages.Count);

    // ---- history for a late joiner ----

    /// <summary>
    /// Writes what a new participant must hear from this node: the streams it owns, its presence, and as FeedAppend the
    /// text items it wrote or whose authors are no longer in the session; <paramref name="send"/> takes each full message.
    /// </summary>
    public void WriteIntroduction<TState>(Span<byte> buffer, TState state, Func<TState, NodeId, bool> isParticipant, Action<TState, ReadOnlySpan<byte>> send)
    {
        var writer = new EventBlockWriter(buffer);
        foreach (var (id, stream) in _streams)
        {
            if (stream.Owner == _self)
            {
                Write(ref writer, buffer, state, send, (ref EventBlockWriter w) => StreamEvents.WriteStreamStart(ref w, id, stream.Kind));
            }
        }

        if (_presence.TryGetValue(_self, out var mine))
        {
            var status = mine.Status;
            var availability = mine.Availability;
            var time = mine.TimeMs;
            var counter = mine.Counter;
            Write(ref writer, buffer, state, send, (ref EventBlockWriter w) => StreamEvents.WritePresence(ref w, availability, time, counter, status));
        }

        for (var index = _head; index < _feed.Count; index++)
        {
            var record = _feed[index]!;
            if (record.Kind != FeedItemKind.Text || (record.Message.Author != _self && isParticipant(state, record.Message.Author)))
            {
                continue;
            }

            Write(ref writer, buffer, state, send, (ref EventBlockWriter w) => StreamEvents.WriteFeedAppend(ref w, record));
        }

        if (writer.Count > 0)
        {
            send(state, writer.Written);
        }
    }

    /// <summary>Appends one block; when the message is full, sends it and appends the block to a fresh one.</summary>
    private static void Write<TState>(ref EventBlockWriter writer, Span<byte> buffer, TState state, Action<TState, ReadOnlySpan<byte>> send, WriteAgain write)
    {
        if (write(ref writer) == WireStatus.Ok || writer.Count == 0)
        {
            return; // written, or too large for an empty message (skipped)
        }

        send(state, writer.Written);
        writer = new EventBlockWriter(buffer);
        write(ref writer);
    }

    internal delegate WireStatus WriteAgain(ref EventBlockWriter writer);

    // ---- the events ----

    private StreamRefusal? StartStream(NodeId sender, StreamId id, ReadOnlySpan<byte> body)
    {
        if (body.Length != 1 || body[0] > (byte)StreamKind.Presence)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        if (_streams.TryGetValue(id, out var existing))
        {
            return existing.Owner == sender && existing.Kind == (StreamKind)body[0] ? null : StreamRefusal.DuplicateItem;
        }

        var stream = new SessionStream(id, sender, (StreamKind)body[0]);
        _streams.Add(id, stream);
        _session.PublishStreams(new Dictionary<StreamId, SessionStream>(_streams));
        Append(new FeedRecord { Kind = FeedItemKind.StreamStarted, Stream = id, Message = new MessageRef(sender, default), TimeMs = WallMs() });
        return null;
    }

    private StreamRefusal? EndStream(NodeId sender, StreamId id)
    {
        if (!_streams.TryGetValue(id, out var stream))
        {
            return StreamRefusal.UnknownStream;
        }

        if (stream.Owner != sender)
        {
            return StreamRefusal.NotAuthor;
        }

        _streams.Remove(id);
        _session.PublishStreams(new Dictionary<StreamId, SessionStream>(_streams));
        RemoveTypingOf(id);
        Append(new FeedRecord { Kind = FeedItemKind.StreamEnded, Stream = id, Message = new MessageRef(sender, default), TimeMs = WallMs() });
        return null;
    }

    private StreamRefusal? TextStream(StreamId id)
    {
        if (!_streams.TryGetValue(id, out var stream))
        {
            return StreamRefusal.UnknownStream;
        }

        return stream.Kind == StreamKind.Text ? null : StreamRefusal.StreamEventInvalid;
    }

    private StreamRefusal? AppendText(NodeId sender, StreamId stream, ReadOnlySpan<byte> body)
    {
        if (TextStream(stream) is { } refused)
        {
            return refused;
        }

        if (body.Length < StreamEvents.TextAppendHeader)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        var text = body[StreamEvents.TextAppendHeader..];
        if (text.Length > StreamLimits.MaxTextBytes)
        {
            return StreamRefusal.ItemTooLarge;
        }

        if (!Utf8.IsValid(text))
        {
            return StreamRefusal.StreamEventInvalid;
        }

        var message = new MessageRef(sender, new MessageId(BinaryPrimitives.ReadUInt64LittleEndian(body)));
        if (_messages.ContainsKey(message))
        {
            return StreamRefusal.DuplicateItem;
        }

        var replyAuthor = BinaryPrimitives.ReadUInt64LittleEndian(body[16..]);
        var record = new FeedRecord
        {
            Kind = FeedItemKind.Text,
            Stream = stream,
            Message = message,
            ReplyTo = replyAuthor == 0 ? null : new MessageRef(new NodeId(replyAuthor), new MessageId(BinaryPrimitives.ReadUInt64LittleEndian(body[24..]))),
            TimeMs = BinaryPrimitives.ReadInt64LittleEndian(body[8..]),
            Text = text.ToArray(),
        };
        _messages.Add(message, record);
        _typing.Remove((stream, sender)); // a message ends its author's typing
        Touch(sender, record.TimeMs);
        Append(record);
        return null;
    }

    private StreamRefusal? EditText(NodeId sender, StreamId stream, ReadOnlySpan<byte> body)
    {
        if (TextStream(stream) is { } refused)
        {
            return refused;
        }

        if (body.Length < StreamEvents.TextEditHeader)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        var text = body[StreamEvents.TextEditHeader..];
        if (text.Length > StreamLimits.MaxTextBytes)
        {
            return StreamRefusal.ItemTooLarge;
        }

        if (!Utf8.IsValid(text))
        {
            return StreamRefusal.StreamEventInvalid;
        }

        if (Find(sender, stream, body, out var record) is { } missing)
        {
            return missing;
        }

        if (record.Deleted)
        {
            return StreamRefusal.UnknownMessage; // a tombstone is final
        }

        // Latest wins by (time, edit id): an older edit arriving later (history after live) changes nothing.
        var time = BinaryPrimitives.ReadInt64LittleEndian(body[16..]);
        var editId = BinaryPrimitives.ReadUInt64LittleEndian(body[24..]);
        if (record.Edited && (time < record.EditTimeMs || (time == record.EditTimeMs && editId <= record.EditId)))
        {
            return null;
        }

        record.Edited = true;
        record.EditTimeMs = time;
        record.EditId = editId;
        record.Text = text.ToArray();
        Remeasure(record);
        Publish(FeedChange.Edited, record);
        return null;
    }

    private StreamRefusal? DeleteText(NodeId sender, StreamId stream, ReadOnlySpan<byte> body)
    {
        if (TextStream(stream) is { } refused)
        {
            return refused;
        }

        if (body.Length != StreamEvents.TextDeleteSize)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        if (Find(sender, stream, body, out var record) is { } missing)
        {
            return missing;
        }

        if (record.Deleted)
        {
            return null;
        }

        record.Deleted = true;
        record.Text = [];
        record.Reactions = null;
        Remeasure(record);
        Publish(FeedChange.Deleted, record);
        return null;
    }

    private StreamRefusal? React(NodeId sender, StreamId stream, ReadOnlySpan<byte> body)
    {
        if (TextStream(stream) is { } refused)
        {
            return refused;
        }

        if (body.Length < StreamEvents.TextReactHeader + 1 || body[16] > 1)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        var key = body[StreamEvents.TextReactHeader..];
        if (key.Length > StreamLimits.MaxReactionKeyBytes)
        {
            return StreamRefusal.ItemTooLarge;
        }

        if (!Utf8.IsValid(key))
        {
            return StreamRefusal.StreamEventInvalid;
        }

        var target = new MessageRef(new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(body)), new MessageId(BinaryPrimitives.ReadUInt64LittleEndian(body[8..])));
        if (!_messages.TryGetValue(target, out var record) || record.Stream != stream || record.Deleted)
        {
            return StreamRefusal.UnknownMessage;
        }

        var add = body[16] == 1;
        var reactions = record.Reactions;
        var index = -1;
        if (reactions is not null)
        {
            for (var i = 0; i < reactions.Count; i++)
            {
                if (reactions[i].Reactor == sender && reactions[i].Key.AsSpan().SequenceEqual(key))
                {
                    index = i;
                    break;
                }
            }
        }

        if (add == (index >= 0))
        {
            return null; // one per reactor per key: a repeat (or removing what is not there) changes nothing
        }

        if (add)
        {
            (record.Reactions ??= []).Add((sender, key.ToArray()));
        }
        else
        {
            reactions!.RemoveAt(index);
        }

        Remeasure(record);
        Publish(FeedChange.Reacted, record);
        return null;
    }

    private StreamRefusal? Typing(NodeId sender, StreamId stream, bool start, ReadOnlySpan<byte> body, long now)
    {
        if (TextStream(stream) is { } refused)
        {
            return refused;
        }

        if (!body.IsEmpty)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        if (start)
        {
            _typing[(stream, sender)] = now + TypingTtl;
        }
        else
        {
            _typing.Remove((stream, sender));
        }

        return null;
    }

    private StreamRefusal? UpdatePresence(NodeId sender, ReadOnlySpan<byte> body)
    {
        if (body.Length < StreamEvents.PresenceHeader || body[0] > (byte)Availability.Busy)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        var status = body[StreamEvents.PresenceHeader..];
        if (status.Length > StreamLimits.MaxStatusBytes)
        {
            return StreamRefusal.ItemTooLarge;
        }

        if (!Utf8.IsValid(status))
        {
            return StreamRefusal.StreamEventInvalid;
        }

        var time = BinaryPrimitives.ReadInt64LittleEndian(body[1..]);
        var counter = BinaryPrimitives.ReadUInt64LittleEndian(body[9..]);
        if (!_presence.TryGetValue(sender, out var record))
        {
            record = new PresenceRecord();
            _presence.Add(sender, record);
        }
        else if (time < record.TimeMs || (time == record.TimeMs && counter <= record.Counter))
        {
            return null; // last writer wins by (its clock, its counter): an older update changes nothing
        }

        record.Availability = (Availability)body[0];
        record.TimeMs = time;
        record.Counter = counter;
        record.Status = status.ToArray();
        record.LastActiveMs = Math.Max(record.LastActiveMs, time);
        return null;
    }

    private StreamRefusal? AppendHistory(NodeId sender, ReadOnlySpan<byte> body)
    {
        if (body.Length < StreamEvents.FeedAppendHeader + 1)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        var textLength = BinaryPrimitives.ReadUInt16LittleEndian(body[61..]);
        if (textLength > StreamLimits.MaxTextBytes)
        {
            return StreamRefusal.ItemTooLarge;
        }

        if (body.Length < StreamEvents.FeedAppendHeader + textLength + 1 || body[40] > 3)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        var text = body.Slice(StreamEvents.FeedAppendHeader, textLength);
        var author = new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(body));
        if (author.Value == 0 || !Utf8.IsValid(text))
        {
            return StreamRefusal.StreamEventInvalid;
        }

        var message = new MessageRef(author, new MessageId(BinaryPrimitives.ReadUInt64LittleEndian(body[8..])));
        var offset = StreamEvents.FeedAppendHeader + textLength;
        var count = body[offset++];
        List<(NodeId, byte[])>? reactions = null;
        for (var i = 0; i < count; i++)
        {
            if (offset + 9 > body.Length || body[offset + 8] is 0 or > StreamLimits.MaxReactionKeyBytes || offset + 9 + body[offset + 8] > body.Length)
            {
                return StreamRefusal.StreamEventInvalid;
            }

            var key = body.Slice(offset + 9, body[offset + 8]);
            if (!Utf8.IsValid(key))
            {
                return StreamRefusal.StreamEventInvalid;
            }

            (reactions ??= []).Add((new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(body[offset..])), key.ToArray()));
            offset += 9 + key.Length;
        }

        if (offset != body.Length)
        {
            return StreamRefusal.StreamEventInvalid;
        }

        if (_messages.ContainsKey(message))
        {
            HistoryDuplicates++;
            return null;
        }

        var replyAuthor = BinaryPrimitives.ReadUInt64LittleEndian(body[24..]);
        var flags = body[40];
        var record = new FeedRecord
        {
            Kind = FeedItemKind.Text,
            Stream = new StreamId(BinaryPrimitives.ReadUInt32LittleEndian(body[57..])),
            Message = message,
            ReplyTo = replyAuthor == 0 ? null : new MessageRef(new NodeId(replyAuthor), new MessageId(BinaryPrimitives.ReadUInt64LittleEndian(body[32..]))),
            TimeMs = BinaryPrimitives.ReadInt64LittleEndian(body[16..]),
            Text = (flags & 2) != 0 ? [] : text.ToArray(),
            Edited = (flags & 1) != 0,
            Deleted = (flags & 2) != 0,
            EditTimeMs = BinaryPrimitives.ReadInt64LittleEndian(body[41..]),
            EditId = BinaryPrimitives.ReadUInt64LittleEndian(body[49..]),
            Reactions = (flags & 2) != 0 ? null : reactions,
            Relayed = author != sender,
        };
        _messages.Add(message, record);
        Append(record);
        return null;
    }

    // ---- helpers ----

    private StreamRefusal? Find(NodeId sender, StreamId stream, ReadOnlySpan<byte> body, out FeedRecord record)
    {
        // Edits and deletes name the message in full (author, id): only its author may change it.
        var author = new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(body));
        if (author != sender)
        {
            record = null!;
            return StreamRefusal.NotAuthor;
        }

        var id = new MessageId(BinaryPrimitives.ReadUInt64LittleEndian(body[8..]));
        if (_messages.TryGetValue(new MessageRef(sender, id), out record!) && record.Stream == stream)
        {
            return null;
        }

        record = null!;
        return StreamRefusal.UnknownMessage;
    }

    private void Append(FeedRecord record)
    {
        record.Sequence = _nextSequence++;
        record.Bytes = record.Measure();
        _feed.Add(record);
        _bytes += record.Bytes;
        while ((_feed.Count - _head > MaxItems || _bytes > MaxBytes) && _feed.Count - _head > 1)
        {
            Evict();
        }

        Publish(FeedChange.Appended, record);
    }

    private void Evict()
    {
        // Oldest first: the feed is a window over the session's history, bounded by count and by bytes.
        var oldest = _feed[_head]!;
        _feed[_head++] = null;
        _bytes -= oldest.Bytes;
        _evicted++;
        if (oldest.Kind == FeedItemKind.Text)
        {
            _messages.Remove(oldest.Message);
        }

        if (_head > 1024 && _head * 2 > _feed.Count)
        {
            _feed.RemoveRange(0, _head);
            _head = 0;
        }
    }

    private void Remeasure(FeedRecord record)
    {
        var bytes = record.Measure();
        _bytes += bytes - record.Bytes;
        record.Bytes = bytes;
    }

    private void Publish(FeedChange change, FeedRecord record)
    {
        if (_followers.Count == 0)
        {
            return;
        }

        var entry = new FeedEntry(change, record.Snapshot());
        for (var i = _followers.Count - 1; i >= 0; i--)
        {
            var follower = _followers[i];
            follower.Backlog.Enqueue(entry);
            Drain(follower);
        }
    }

    private void Drain(FeedFollower follower)
    {
        while (follower.Backlog.TryPeek(out var entry) && follower.Channel.Writer.TryWrite(entry))
        {
            follower.Backlog.Dequeue();
        }

        if (follower.Backlog.Count > FollowerBacklog)
        {
            // Text waits for a slow reader, up to a bound; past it the reader is told, never silently skipped.
            _followers.Remove(follower);
            follower.Closed = true;
            follower.Backlog.Clear();
            follower.Channel.Writer.TryComplete(new FeedReaderTooSlowException());
            _followersDropped++;
        }
    }

    private void Touch(NodeId node, long timeMs)
    {
        if (_presence.TryGetValue(node, out var record))
        {
            record.LastActiveMs = Math.Max(record.LastActiveMs, timeMs);
        }
    }

    private void RemoveTypingOf(NodeId node)
    {
        foreach (var key in _typing.Keys)
        {
            if (key.Node == node)
            {
                _typing.Remove(key);
            }
        }
    }

    private void RemoveTypingOf(StreamId stream)
    {
        foreach (var key in _typing.Keys)
        {
            if (key.Stream == stream)
            {
                _typing.Remove(key);
            }
        }
    }

    private int IndexOfAtLeast(long sequence)
    {
        // Sequences ascend through the live part of the list: binary search.
        int lo = _head, hi = _feed.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_feed[mid]!.Sequence < sequence)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private long Oldest => _head < _feed.Count ? _feed[_head]!.Sequence : _nextSequence;

    private static long WallMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private sealed class PresenceRecord
    {
        public Availability Availability;
        public long TimeMs;
        public ulong Counter;
        public long LastActiveMs;
        public byte[] Status = [];
    }
}
