using Elara.Fast.Primitives;
using Elara.Fast.State;

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
    }

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

    /// <inheritdoc/>
    public override string ToString() => $"session {SessionId} ({State}, {Participants.Count} participants)";

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
