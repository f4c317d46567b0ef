using System.Net;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Sessions;
using Elara.Fast.Transport;

namespace Elara.Fast.Runtime;

/// <summary>Handshakes: this node's responder, the initiators it started, and what a finished handshake becomes.</summary>
public sealed partial class Node
{
    // Apply thread only.
    private readonly Dictionary<uint, PendingHandshake> _initiators = [];
    private readonly Dictionary<SessionId, JoinOperation> _joins = [];
    private readonly List<PendingHandshake> _finished = [];

    /// <summary>Why an initiator was started.</summary>
    private enum HandshakePurpose : byte
    {
        /// <summary>To join a session through its contact.</summary>
        Join,

        /// <summary>To reach another participant that the session's answer named.</summary>
        Connect,

        /// <summary>To replace the keys of an existing link.</summary>
        Rekey,
    }

    private sealed class PendingHandshake(HandshakeInitiator initiator, Session session, HandshakePurpose purpose, RawSocketAddress destination)
    {
        public HandshakeInitiator Initiator { get; } = initiator;

        public Session Session { get; } = session;

        public HandshakePurpose Purpose { get; } = purpose;

        public RawSocketAddress Destination { get; } = destination;
    }

    private sealed class JoinOperation(Session session, TaskCompletionSource<Session> completion, long deadline)
    {
        public Session Session { get; } = session;

        public TaskCompletionSource<Session> Completion { get; } = completion;

        public long Deadline { get; } = deadline;

        public NodeId Contact { get; set; }

        public bool Answered { get; set; }

        public int PendingConnects { get; set; }
    }

    private void BeginJoin(SessionId sessionId, RawSocketAddress contact, byte[] staticKey, TaskCompletionSource<Session> completion)
    {
        if (IsReserved(sessionId))
        {
            completion.TrySetException(new ArgumentException($"Session id {sessionId} is reserved."));
            return;
        }

        if (_sessions.ContainsKey(sessionId))
        {
            completion.TrySetException(new InvalidOperationException($"This node is already in session {sessionId}."));
            return;
        }

        var session = new Session(sessionId, this, NodeId, SessionState.Joining);
        AddSession(session);
        _joins[sessionId] = new JoinOperation(session, completion, _time.GetTimestamp() + ToTimestamp(_config.JoinTimeout));
        StartInitiator(session, contact, staticKey, expected: null, HandshakePurpose.Join);
    }

    private void StartInitiator(Session session, RawSocketAddress destination, ReadOnlySpan<byte> staticKey, NodeId? expected, HandshakePurpose purpose)
    {
        var pattern = staticKey.IsEmpty ? HandshakePattern.XX : HandshakePattern.IK;
        var egress = _egress;
        var counters = Counters;
        var initiator = new HandshakeInitiator(
            _identity,
            pattern,
            session.SessionId,
            staticKey,
            frame =>
            {
                // Any thread (the initiator's retransmission timer too): the egress ring takes many producers.
                if (!egress.TryEnqueue(frame, destination))
                {
                    Interlocked.Increment(ref counters.EgressRingFull);
                }
            },
            _handshakeOptions,
            expected);
        var pending = new PendingHandshake(initiator, session, purpose, destination);
        _initiators[initiator.LocalIndex] = pending;
        initiator.Start();
    }

    /// <summary>A handshake frame (off the hot path, but through the same ring and thread as everything else).</summary>
    private void OnHandshakeFrame(HandshakeMessageType type, ReadOnlySpan<byte> frame, RawSocketAddress source)
    {
        switch (type)
        {
            case HandshakeMessageType.Initiation or HandshakeMessageType.Finish:
                Span<byte> compact = stackalloc byte[HandshakeOptions.MaxSourceAddressLength];
                var outcome = _responder.Receive(compact[..CompactAddress(source, compact)], frame);
                if (outcome.Reply is { } reply && !_egress.TryEnqueue(reply, source))
                {
                    Interlocked.Increment(ref Counters.EgressRingFull);
                }

                if (outcome.Reason is not (HandshakeRejectReason.None))
                {
                    Counters.HandshakeOutcomes[(int)HandshakeOutcome.Rejected]++;
                    Counters.Drop(PacketClass.Core, NodeDropReason.HandshakeRejected);
                }

                if (outcome.Result is { } result)
                {
                    Counters.HandshakeOutcomes[(int)HandshakeOutcome.ResponderCompleted]++;
                    OnResponderCompleted(result, source);
                }

                break;
            case HandshakeMessageType.Response or HandshakeMessageType.CookieReply:
                var index = HandshakeFrame.ReceiverIndex(frame);
                if (!_initiators.TryGetValue(index, out var pending))
                {
                    Counters.HandshakeOutcomes[(int)HandshakeOutcome.Rejected]++;
                    Counters.Drop(PacketClass.Core, NodeDropReason.HandshakeRejected);
                    return;
                }

                var before = pending.Initiator.State;
                var reason = pending.Initiator.Receive(frame);
                if (reason != HandshakeRejectReason.None)
                {
                    Counters.HandshakeOutcomes[(int)HandshakeOutcome.Rejected]++;
                    Counters.Drop(PacketClass.Core, NodeDropReason.HandshakeRejected);
                }

                if (before != HandshakeInitiatorState.Completed && pending.Initiator.State == HandshakeInitiatorState.Completed)
                {
                    Counters.HandshakeOutcomes[(int)HandshakeOutcome.InitiatorCompleted]++;
                    OnInitiatorCompleted(pending, source);
                }

                break;
            default:
                Counters.Drop(PacketClass.Core, NodeDropReason.Malformed);
                break;
        }
    }

    private void OnInitiatorCompleted(PendingHandshake pending, RawSocketAddress source)
    {
        _initiators.Remove(pending.Initiator.LocalIndex);
        var result = pending.Initiator.Result!;
        var session = pending.Session;
        if (_links.TryGetValue((session.SessionId, result.RemoteNode), out var existing))
        {
            // A rekey (or a crossed handshake): the link keeps its delivery state, the channel takes the new keys.
            result.RekeyChannel(existing.Channel);
            existing.ResetLoss(); // the peer numbers its frames afresh under the new keys
            if (existing.Rekeying == pending.Initiator)
            {
                existing.Rekeying = null;
            }

            Counters.Rekeys++;
            NodeLog.Rekeyed(_logger, result.RemoteNode, session.SessionId);
            Raise(new NodeEvent(NodeEventKind.Rekeyed, session.SessionId, result.RemoteNode));
            RetireInitiator(pending.Initiator);
            return;
        }

        if (pending.Purpose == HandshakePurpose.Rekey || session.State == SessionState.Closed || !_sessions.ContainsKey(session.SessionId))
        {
            RetireInitiator(pending.Initiator);
            return;
        }

        var link = AddLink(session, result, source);
        link.IsInitiator = true;
        // XX: keep the initiator until the responder is heard under the new keys (it resends Finish until then).
        if (result.Pattern == HandshakePattern.XX)
        {
            link.Initiator = pending.Initiator;
        }
        else
        {
            RetireInitiator(pending.Initiator);
        }

        if (pending.Purpose == HandshakePurpose.Join && _joins.TryGetValue(session.SessionId, out var join))
        {
            join.Contact = result.RemoteNode;
        }

        SendControl(link, EventType.SessionJoin, []);
    }

    private void OnResponderCompleted(HandshakeResult result, RawSocketAddress source)
    {
        if (_links.TryGetValue((result.Session, result.RemoteNode), out var existing))
        {
            // The peer handshook again: its rekey, or its restart (the delivery incarnations tell them apart).
            result.RekeyChannel(existing.Channel);
            existing.ResetLoss(); // the peer numbers its frames afresh under the new keys
            existing.Participant.MoveTo(source);
            Counters.Rekeys++;
            NodeLog.Rekeyed(_logger, result.RemoteNode, result.Session);
            Raise(new NodeEvent(NodeEventKind.Rekeyed, result.Session, result.RemoteNode));
            result.Dispose();
            return;
        }

        var refusal = !_sessions.TryGetValue(result.Session, out var session) || session.State is SessionState.Closed or SessionState.Leaving
            ? LeaveReason.UnknownSession
            : _links.Count >= _config.MaxPeers ? LeaveReason.MaxPeers : (LeaveReason?)null;
        if (refusal is { } reason)
        {
            // Authenticate the refusal: the refused side learns why, and nobody can forge it.
            session ??= new Session(result.Session, this, NodeId, SessionState.Closed);
            var refused = AddLink(session, result, source);
            refused.State = PeerLinkState.Refusing;
            refused.RefusalReason = reason;
            Counters.Refusals++;
            NodeLog.Refused(_logger, result.RemoteNode, result.Session, reason);
            Raise(new NodeEvent(NodeEventKind.Refused, result.Session, result.RemoteNode, reason));
            SendControl(refused, EventType.SessionLeave, [(byte)reason]);
            return;
        }

        AddLink(session!, result, source);
    }

    private PeerLink AddLink(Session session, HandshakeResult result, RawSocketAddress source)
    {
        var now = _time.GetTimestamp();
        var participant = new Participant(result.RemoteNode, source, result.RemoteIdentityKey, result.RemoteStaticKey, result.CreateChannel(_time), now);
        // A new incarnation per link: larger than any this node used before for the peer (milliseconds of wall time).
        var incarnation = (uint)(_time.GetUtcNow().ToUnixTimeMilliseconds() & 0x7FFFFFFF) | 1;
        var link = new PeerLink(session, participant, new CoreSendWindow(incarnation), now)
        {
            RetransmitTimeout = ToTimestamp(TimeSpan.FromMilliseconds(200)),
        };
        result.Dispose();
        _links[(session.SessionId, participant.NodeId)] = link;
        _linkList.Add(link);
        _timeEngine.TrackPeer(participant.NodeId); // its clock's buffers now, not on the first TimeSync answer
        Volatile.Write(ref _peerCount, _links.Count);
        return link;
    }

    /// <summary>Removes a link: its participant leaves the session, its channel is retired behind the frames already queued for it.</summary>
    private void RemoveLink(PeerLink link)
    {
        if (!_links.Remove((link.Session.SessionId, link.Remote)))
        {
            return;
        }

        _linkList.Remove(link);
        Volatile.Write(ref _peerCount, _links.Count);
        _ackList.Remove(link);
        link.InAckList = false;
        if (link.Session.RemoveParticipant(link.Remote))
        {
            link.Session.StreamState.ReleaseOwner(link.Remote, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
        _timeEngine.RemovePeer(link.Remote);
        if (link.Initiator is { } initiator)
        {
            RetireInitiator(initiator);
            link.Initiator = null;
        }

        if (link.Rekeying is { } rekeying)
        {
            _initiators.Remove(rekeying.LocalIndex);
            RetireInitiator(rekeying);
            link.Rekeying = null;
        }

        RetireChannel(link.Channel);
    }

    private void RetireChannel(SecureChannel channel)
    {
        if (!_egress.TryRetire(channel))
        {
            _retiring.Add(channel); // the ring is full: retried on every tick, never disposed under the Transmit thread
        }
    }

    private static void RetireInitiator(HandshakeInitiator initiator) => initiator.Dispose();

    /// <summary>The address bytes the responder's rate limit and cookies bind to: port and IP (at most 18 bytes).</summary>
    private static int CompactAddress(RawSocketAddress source, Span<byte> destination)
    {
        var raw = source.AsSpan();
        if (raw.Length >= 8 && source.Family == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            raw.Slice(2, 6).CopyTo(destination);
            return 6;
        }

        if (raw.Length >= 24)
        {
            raw.Slice(2, 2).CopyTo(destination);
            raw.Slice(8, 16).CopyTo(destination[2..]);
            return 18;
        }

        destination[0] = 0;
        return 1;
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private static IPEndPoint? EndPointOf(RawSocketAddress address) => address.ToEndPoint();
}
