using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Sessions;
using Elara.Fast.State;

namespace Elara.Fast.Runtime;

/// <summary>Where a link to a peer stands.</summary>
internal enum PeerLinkState : byte
{
    /// <summary>Authenticated; the join exchange is under way or done.</summary>
    Connected,

    /// <summary>Authenticated only to be told why it is refused; removed once the refusal is acknowledged or after a grace period.</summary>
    Refusing,
}

/// <summary>
/// Everything this node keeps about one peer within one session: the participant (public view), the secure
/// channel, reliable Core delivery both ways, reconciliation, and the figures the degradation controller reads.
/// Apply stage only (the participant's figures are published for other threads).
/// </summary>
internal sealed class PeerLink
{
    public PeerLink(Session session, Participant participant, CoreSendWindow send, long now)
    {
        Session = session;
        Participant = participant;
        Send = send;
        Reconciliation = new ReconciliationSession(session.Field, participant.NodeId);
        CreatedAt = now;
        LastKeepalive = now;
        LastStats = now;
    }

    public Session Session { get; }

    public Participant Participant { get; }

    public NodeId Remote => Participant.NodeId;

    public SecureChannel Channel => Participant.Channel;

    public PeerLinkState State { get; set; }

    public LeaveReason RefusalReason { get; set; }

    public CoreSendWindow Send { get; }

    public CoreReceiveWindow Receive { get; } = new();

    public ReconciliationSession Reconciliation { get; }

    /// <summary>The handshake this side initiated, kept until the peer is heard under the new keys (XX Finish resends), then disposed.</summary>
    public HandshakeInitiator? Initiator { get; set; }

    /// <summary>A rekey handshake this side started and that has not finished.</summary>
    public HandshakeInitiator? Rekeying { get; set; }

    /// <summary>True when this side initiated the link's handshake: it is also the side that rekeys.</summary>
    public bool IsInitiator { get; set; }

    /// <summary>True once the peer's SessionJoin (or, for the joiner, the session's SessionSync) arrived.</summary>
    public bool Joined { get; set; }

    public long CreatedAt { get; }

    public long LastKeepalive { get; set; }

    public long LastStats { get; set; }

    public long TimeSyncSentAt { get; set; }

    public long TimeSyncT1 { get; set; }

    /// <summary>Loss per class since <see cref="LastStats"/>, from the numbering of the frames that arrived.</summary>
    public ClassLossMeter[] Loss { get; } = new ClassLossMeter[5];

    /// <summary>Re-baselines every class's loss meter (new keys: the peer's numbering restarted).</summary>
    public void ResetLoss()
    {
        for (var c = 0; c < Loss.Length; c++)
        {
            Loss[c].Reset();
        }
    }

    public DegradationLevel Level { get; set; }

    /// <summary>When the link's inputs fell below its level's recovery mark (0: they are not below it); a field so the controller can pass it by reference.</summary>
    public long LevelLowSince;

    /// <summary>True while the link is in the Apply stage's list of links with an acknowledgement to send.</summary>
    public bool InAckList { get; set; }

    /// <summary>Retransmission timeout in <see cref="TimeProvider"/> timestamp units.</summary>
    public long RetransmitTimeout { get; set; }
}
