using Elara.Fast.Primitives;

namespace Elara.Fast.Sessions;

/// <summary>A participant's availability, as its presence says.</summary>
public enum Availability : byte
{
    /// <summary>Not there (also what a participant that left or timed out becomes).</summary>
    Offline = 0,

    /// <summary>There and reachable.</summary>
    Online = 1,

    /// <summary>There, not at the keyboard.</summary>
    Away = 2,

    /// <summary>There, not to be disturbed.</summary>
    Busy = 3,
}

/// <summary>Names one text message in a session: its author and the author's id for it.</summary>
/// <param name="Author">The node that wrote it.</param>
/// <param name="Id">The author's id for it (unique per author).</param>
public readonly record struct MessageRef(NodeId Author, MessageId Id);

/// <summary>One reaction on a message: who reacted, with which key (one per reactor per key).</summary>
/// <param name="Reactor">The node that reacted.</param>
/// <param name="Key">The reaction key (an emoji, a short word).</param>
public readonly record struct Reaction(NodeId Reactor, string Key);

/// <summary>What a feed item is.</summary>
public enum FeedItemKind : byte
{
    /// <summary>A text message (with its edits, reactions, or as a tombstone).</summary>
    Text = 0,

    /// <summary>A stream started (media marker).</summary>
    StreamStarted = 1,

    /// <summary>A stream ended (media marker).</summary>
    StreamEnded = 2,
}

/// <summary>A snapshot of one item of a session's feed, taken on the node's Apply thread.</summary>
public sealed class FeedItem
{
    internal FeedItem(
        long sequence, FeedItemKind kind, StreamId stream, MessageRef message, MessageRef? replyTo, DateTimeOffset time, string text,
        bool edited, bool deleted, bool relayed, IReadOnlyList<Reaction> reactions)
    {
        Sequence = sequence;
        Kind = kind;
        Stream = stream;
        Message = message;
        ReplyTo = replyTo;
        Time = time;
        Text = text;
        Edited = edited;
        Deleted = deleted;
        Relayed = relayed;
        Reactions = reactions;
    }

    /// <summary>The item's place in this node's feed (1, 2, 3 …, in arrival order; a cursor).</summary>
    public long Sequence { get; }

    /// <summary>What the item is.</summary>
    public FeedItemKind Kind { get; }

    /// <summary>The stream it belongs to.</summary>
    public StreamId Stream { get; }

    /// <summary>The message (text items), or the stream owner with id 0 (stream markers).</summary>
    public MessageRef Message { get; }

    /// <summary>The message this one replies to, if any.</summary>
    public MessageRef? ReplyTo { get; }

    /// <summary>When the author wrote it (the author's wall clock).</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The current text (the latest edit); empty for a tombstone or a marker.</summary>
    public string Text { get; }

    /// <summary>Whether the author edited it.</summary>
    public bool Edited { get; }

    /// <summary>Whether the author deleted it: a tombstone that keeps the item's place.</summary>
    public bool Deleted { get; }

    /// <summary>Whether it reached this node as history relayed by another member, not from its author.</summary>
    public bool Relayed { get; }

    /// <summary>The reactions on it.</summary>
    public IReadOnlyList<Reaction> Reactions { get; }

    /// <inheritdoc/>
    public override string ToString() => $"#{Sequence} {Kind} {Message.Author}/{Message.Id}{(Deleted ? " (deleted)" : string.Empty)}: {Text}";
}

/// <summary>What happened to a feed item, as a follower sees it.</summary>
public enum FeedChange : byte
{
    /// <summary>The item was added (or, during a follower's backfill, already there).</summary>
    Appended = 0,

    /// <summary>Its author edited it.</summary>
    Edited = 1,

    /// <summary>Its author deleted it (it stays, as a tombstone).</summary>
    Deleted = 2,

    /// <summary>A reaction was added or removed.</summary>
    Reacted = 3,
}

/// <summary>One change of a followed feed: what changed, and the item as it is after the change.</summary>
/// <param name="Change">What happened.</param>
/// <param name="Item">The item after the change.</param>
public readonly record struct FeedEntry(FeedChange Change, FeedItem Item);

/// <summary>Which way a feed read goes from its cursor.</summary>
public enum FeedDirection : byte
{
    /// <summary>From the cursor to newer items (sequence ≥ cursor, ascending).</summary>
    Forward = 0,

    /// <summary>From the cursor to older items (sequence ≤ cursor, descending).</summary>
    Backward = 1,
}

/// <summary>One page of a feed read.</summary>
/// <param name="Items">The items, in the direction read.</param>
/// <param name="Next">The cursor for the next page in the same direction.</param>
/// <param name="Oldest">The oldest sequence the feed still holds (older ones were evicted).</param>
/// <param name="Newest">The newest sequence in the feed (0 when it is empty).</param>
public sealed record FeedPage(IReadOnlyList<FeedItem> Items, long Next, long Oldest, long Newest);

/// <summary>A participant's presence: the convergent state its own updates set (last writer wins by its clock).</summary>
/// <param name="Node">Whose presence.</param>
/// <param name="Availability">Online, Away, Busy or Offline.</param>
/// <param name="Status">Free status text.</param>
/// <param name="LastActive">When it last updated its presence or wrote a message.</param>
public sealed record PresenceInfo(NodeId Node, Availability Availability, string Status, DateTimeOffset LastActive);

/// <summary>What a session's streams hold on this node: what a release must bring back to zero.</summary>
/// <param name="Streams">Active streams.</param>
/// <param name="TypingIndicators">Typing indicators not yet expired or stopped.</param>
/// <param name="FeedItems">Items in the feed.</param>
/// <param name="FeedBytes">Bytes the feed accounts for.</param>
/// <param name="FeedEvicted">Items evicted by the feed's bounds so far.</param>
/// <param name="Followers">Live feed followers.</param>
/// <param name="FollowersDropped">Followers closed as too slow so far.</param>
/// <param name="MessagesIndexed">Text messages that can still be edited, deleted or reacted to.</param>
public sealed record StreamStatistics(
    int Streams, int TypingIndicators, int FeedItems, long FeedBytes, long FeedEvicted, int Followers, long FollowersDropped, int MessagesIndexed);

/// <summary>Thrown to a feed follower that fell further behind than the feed's backlog bound: it must re-read from its cursor.</summary>
public sealed class FeedReaderTooSlowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FeedReaderTooSlowException()
        : base("The feed follower fell behind by more than its backlog bound; read again from the last sequence it saw.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public FeedReaderTooSlowException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public FeedReaderTooSlowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
