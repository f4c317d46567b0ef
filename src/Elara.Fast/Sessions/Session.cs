using System.Text;
using System.Threading.Channels;
using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Sessions;

/// <summary>
/// A session this node takes part in: its id, its lifecycle <see cref="State"/>, the other
/// <see cref="Participants"/> (by <see cref="NodeId"/>) and its <see cref="Streams"/> (by <see cref="StreamId"/>).
/// </summary>
/// <remarks>
/// <para>Single writer: only the node's Apply stage changes a session. The collections are immutable snapshots,
/// replaced whole when a participant joins or leaves, so any thread may enumerate them without a lock.</para>
/// <para>Sends never throw and never block: <see cref="TrySendCore"/> queues an event for reliable, ordered delivery
/// to every participant; <see cref="TrySend"/> hands an unreliable frame of another class to the egress ring.</para>
/// </remarks>
public sealed class Session
{
    private static readonly IReadOnlyDictionary<StreamId, SessionStream> NoStreams = new Dictionary<StreamId, SessionStream>();
    private readonly ISessionHost _host;
    private Dictionary<NodeId, Participant> _participants = [];
    private Participant[] _routes = [];
    private IReadOnlyDictionary<StreamId, SessionStream> _streams = NoStreams;
    private int _state;

    internal Session(SessionId id, ISessionHost host, NodeId self, SessionState state)
    {
        SessionId = id;
        _host = host;
        _state = (int)state;
        Field = new StateField(self);
        StreamState = new SessionStreams(this, self);
        Self = self;
    }

    /// <summary>This node's id (the author of what it sends).</summary>
    public NodeId Self { get; }

    /// <summary>The session's streams, messages, typing, presence and feed on this node; Apply stage only.</summary>
    internal SessionStreams StreamState { get; }

    /// <summary>The session's id.</summary>
    public SessionId SessionId { get; }

    /// <summary>Where the session stands on this node.</summary>
    public SessionState State => (SessionState)Volatile.Read(ref _state);

    /// <summary>The other participants, by node id (a snapshot: this node is not among them).</summary>
    public IReadOnlyDictionary<NodeId, Participant> Participants => Volatile.Read(ref _participants);

    /// <summary>The session's streams, by stream id (a snapshot).</summary>
    public IReadOnlyDictionary<StreamId, SessionStream> Streams => Volatile.Read(ref _streams);

    /// <summary>The state field (CRDT atoms) of the session on this node; Apply stage only.</summary>
    internal StateField Field { get; }

    /// <summary>The participants as an array, for the senders' fan-out (a snapshot, replaced whole).</summary>
    internal Participant[] Routes => Volatile.Read(ref _routes);

    /// <summary>
    /// Queues <paramref name="eventBlocks"/> (one or more encoded event blocks) for reliable, ordered delivery to
    /// every participant, as class Core: retransmitted until acknowledged, delivered exactly once and in this
    /// node's order. Returns <see cref="SendStatus.Queued"/> or why it was refused.
    /// </summary>
    public SendStatus TrySendCore(ReadOnlySpan<byte> eventBlocks) => _host.SendCore(this, eventBlocks);

    /// <summary>
    /// Sends <paramref name="eventBlocks"/> once to every participant in a frame of <paramref name="packetClass"/>
    /// (not Core: use <see cref="TrySendCore"/>), unreliably: it may be lost, and it is shed first under load.
    /// </summary>
    /// <param name="packetClass">Perceptual, Enhancement, Cosmetic or Repair.</param>
    /// <param name="profile">The representation profile written into the header.</param>
    /// <param name="eventBlocks">The payload: encoded event blocks.</param>
    /// <param name="timeHint">Event time minus this node's τs, in 100 µs units (0: now).</param>
    public SendStatus TrySend(PacketClass packetClass, RepresentationProfile profile, ReadOnlySpan<byte> eventBlocks, int timeHint = 0)
        => _host.Send(this, packetClass, profile, eventBlocks, timeHint);

    /// <summary>Sets the last-writer-wins value of state atom <paramref name="id"/> and propagates the change to every participant.</summary>
    public SendStatus TryUpdateState(StateId id, ReadOnlySpan<byte> value) => _host.UpdateState(this, id, value);

    /// <summary>The current value of last-writer-wins atom <paramref name="id"/> on this node, or null when it has none.</summary>
    public Task<byte[]?> ReadStateAsync(StateId id) => _host.ReadStateAsync(this, id);

    /// <summary>Says goodbye to every participant and closes the session on this node.</summary>
    public Task LeaveAsync() => _host.LeaveAsync(this);

    /// <summary>Starts a stream of <paramref name="kind"/> owned by this node (StreamStart, reliable, to every participant).</summary>
    /// <param name="kind">What it carries.</param>
    /// <param name="stream">Its id: unique in the session.</param>
    public SendStatus TryStartStream(StreamKind kind, out StreamId stream)
    {
        stream = new StreamId((uint)(_host.NextId() * 0x9E3779B97F4A7C15UL >> 32) | 1);
        var id = stream;
        return SendBlocks((ref EventBlockWriter writer) => StreamEvents.WriteStreamStart(ref writer, id, kind));
    }

    /// <summary>Ends a stream this node owns: everything of it is released on every node (its feed items stay).</summary>
    public SendStatus TryEndStream(StreamId stream) => SendBlocks((ref EventBlockWriter writer) => StreamEvents.WriteStreamEnd(ref writer, stream));

    /// <summary>Posts a chat message into text stream <paramref name="stream"/>, delivered exactly once, in this node's order.</summary>
    /// <param name="stream">A text stream of the session.</param>
    /// <param name="text">The message (at most <see cref="StreamLimits.MaxTextBytes"/> in UTF-8).</param>
    /// <param name="message">The message's reference (this node, a fresh id): what edits, deletes, replies and reactions name.</param>
    /// <param name="replyTo">The message this one replies to.</param>
    public SendStatus TrySendText(StreamId stream, string text, out MessageRef message, MessageRef? replyTo = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        message = new MessageRef(Self, new MessageId(_host.NextId()));
        var utf8 = Encoding.UTF8.GetBytes(text);
        if (utf8.Length > StreamLimits.MaxTextBytes)
        {
            return SendStatus.TooLarge;
        }

        var id = message.Id;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return SendBlocks((ref EventBlockWriter writer) => StreamEvents.WriteTextAppend(ref writer, stream, id, now, replyTo, utf8));
    }

    /// <summary>Replaces the text of a message this node wrote (latest edit wins, by time then edit id). Others' messages are refused where applied.</summary>
    public SendStatus TryEditText(StreamId stream, MessageRef message, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var utf8 = Encoding.UTF8.GetBytes(text);
        if (utf8.Length > StreamLimits.MaxTextBytes)
        {
            return SendStatus.TooLarge;
        }

        var editId = _host.NextId();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return SendBlocks((ref EventBlockWriter writer) => StreamEvents.WriteTextEdit(ref writer, stream, message, now, editId, utf8));
    }

    /// <summary>Deletes a message this node wrote: it becomes a tombstone that keeps its place in the feed.</summary>
    public SendStatus TryDeleteText(StreamId stream, MessageRef message)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return SendBlocks((ref EventBlockWriter writer) => StreamEvents.WriteTextDelete(ref writer, stream, message, now));
    }

    /// <summary>Adds (or, with <paramref name="add"/> false, removes) this node's reaction <paramref name="key"/> on a message: one per node per key.</summary>
    public SendStatus TryReact(StreamId stream, MessageRef message, string key, bool add = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var utf8 = Encoding.UTF8.GetBytes(key);
        if (utf8.Length > StreamLimits.MaxReactionKeyBytes)
        {
            return SendStatus.TooLarge;
        }

        return SendBlocks((ref EventBlockWriter writer) => StreamEvents.WriteTextReact(ref writer, stream, message, add, utf8));
    }

    /// <summary>Says this node started (or stopped) typing in <paramref name="stream"/>; a start expires after <c>NodeConfig.TypingTimeout</c> unless renewed.</summary>
    public SendStatus TrySetTyping(StreamId stream, bool typing)
        => SendBlocks((ref EventBlockWriter writer) => StreamEvents.WriteTyping(ref writer, stream, typing));

    /// <summary>Sets this node's presence (last writer wins by this node's clock); every participant converges on it.</summary>
    public SendStatus TrySetPresence(Availability availability, string status = "")
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!Enum.IsDefined(availability))
        {
            return SendStatus.Malformed;
        }

        var utf8 = Encoding.UTF8.GetBytes(status);
        if (utf8.Length > StreamLimits.MaxStatusBytes)
        {
            return SendStatus.TooLarge;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var counter = _host.NextId();
        return SendBlocks((ref EventBlockWriter writer) => StreamEvents.WritePresence(ref writer, availability, now, counter, utf8));
    }

    /// <summary>Reads up to <paramref name="max"/> feed items from <paramref name="cursor"/> (a sequence) in <paramref name="direction"/>.</summary>
    public Task<FeedPage> ReadFeedAsync(long cursor = 1, int max = 100, FeedDirection direction = FeedDirection.Forward)
        => _host.ReadStreamsAsync(this, (streams, _) => streams.Read(cursor, max, direction));

    /// <summary>
    /// Follows the feed: every item from sequence <paramref name="from"/> on (backfill), then every change live, with no
    /// gap and no duplicate between the two. A reader that falls more than <c>NodeConfig.FeedFollowerBacklog</c> changes
    /// behind is completed with <see cref="FeedReaderTooSlowException"/>; cancelling <paramref name="cancellationToken"/> ends it.
    /// </summary>
    public ChannelReader<FeedEntry> FollowFeed(long from = 1, int capacity = 256, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var follower = new FeedFollower(capacity);
        _host.PostStreams(this, streams => streams.Follow(follower, from));
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => _host.PostStreams(this, streams => streams.Unfollow(follower)));
        }

        return follower.Channel.Reader;
    }

    /// <summary>Every participant's presence as this node has it (this node's too, once set).</summary>
    public Task<IReadOnlyList<PresenceInfo>> ReadPresenceAsync() => _host.ReadStreamsAsync(this, (streams, _) => streams.ReadPresence());

    /// <summary>Who is typing in <paramref name="stream"/> now (indicators past their TTL are gone).</summary>
    public Task<IReadOnlyList<NodeId>> ReadTypingAsync(StreamId stream) => _host.ReadStreamsAsync(this, (streams, now) => streams.ReadTyping(stream, now));

    /// <summary>A message as it stands on this node, or null when it has none (never received, or evicted).</summary>
    public Task<FeedItem?> ReadMessageAsync(MessageRef message) => _host.ReadStreamsAsync(this, (streams, _) => streams.ReadMessage(message));

    /// <summary>What the session's streams hold on this node (what a release must bring back to zero).</summary>
    public Task<StreamStatistics> ReadStreamStatisticsAsync() => _host.ReadStreamsAsync(this, (streams, _) => streams.Statistics());

    /// <inheritdoc/>
    public override string ToString() => $"session {SessionId} ({State}, {Participants.Count} participants)";

    internal void PublishStreams(Dictionary<StreamId, SessionStream> streams) => Volatile.Write(ref _streams, streams);

    private SendStatus SendBlocks(SessionStreams.WriteAgain write)
    {
        Span<byte> buffer = stackalloc byte[StreamLimits.MaxMessage];
        var writer = new EventBlockWriter(buffer);
        return write(ref writer) == WireStatus.Ok ? TrySendCore(writer.Written) : SendStatus.TooLarge;
    }

    internal void SetState(SessionState state) => Volatile.Write(ref _state, (int)state);

    internal bool TryGetParticipant(NodeId node, out Participant participant) => _participants.TryGetValue(node, out participant!);

    internal void AddParticipant(Participant participant)
    {
        // Copy on write (joins are rare): readers on other threads keep the snapshot they hold.
        var next = new Dictionary<NodeId, Participant>(_participants) { [participant.NodeId] = participant };
        Publish(next);
        Field.AddParticipant(participant.NodeId);
    }

    internal bool RemoveParticipant(NodeId node)
    {
        if (!_participants.ContainsKey(node))
        {
            return false;
        }

        var next = new Dictionary<NodeId, Participant>(_participants);
        next.Remove(node);
        Publish(next);
        Field.RemoveParticipant(node);
        return true;
    }

    private void Publish(Dictionary<NodeId, Participant> next)
    {
        var routes = new Participant[next.Count];
        next.Values.CopyTo(routes, 0);
        Volatile.Write(ref _routes, routes);
        Volatile.Write(ref _participants, next);
    }
}
