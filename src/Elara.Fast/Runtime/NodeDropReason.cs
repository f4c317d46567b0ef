namespace Elara.Fast.Runtime;

/// <summary>Why the node's pipeline dropped a received datagram or frame (counted per reason and class).</summary>
public enum NodeDropReason
{
    /// <summary>Not a well-formed ELARA frame (too short, bad class, a marked handshake frame of the wrong shape).</summary>
    Malformed = 0,

    /// <summary>Shed by class before any crypto: the ingress ring was past its high-water mark.</summary>
    Shed,

    /// <summary>A data frame for a session this node does not hold.</summary>
    UnknownSession,

    /// <summary>A data frame from a node with no link in that session.</summary>
    UnknownPeer,

    /// <summary>The tag did not verify, or the epoch or suite is wrong (<c>OpenStatus</c>).</summary>
    DecryptFailed,

    /// <summary>Already seen, or older than the replay window.</summary>
    Replay,

    /// <summary>A time hint further than <see cref="NodeConfig.MaxTimeHint"/> from the sender's clock.</summary>
    TimeHintOutOfRange,

    /// <summary>The decrypted payload is not a valid sequence of event blocks (or a Core frame without its delivery header).</summary>
    InvalidEvents,

    /// <summary>A handshake message the responder or an initiator refused (forged, replayed, rate-limited, unknown index).</summary>
    HandshakeRejected,

    /// <summary>A reliable message from an older incarnation of its sender, or too far ahead of the window.</summary>
    OutOfWindow,

    /// <summary>STUN or TURN traffic no client of this node was waiting for.</summary>
    UnsolicitedStun,

    /// <summary>An internal entry the node could not read (never expected; counted, not thrown).</summary>
    BadControl,

    /// <summary>A stream event for a stream this node does not know (never started, or ended).</summary>
    UnknownStream,

    /// <summary>A stream event whose body is malformed, of the wrong class, or for a stream of another kind.</summary>
    StreamEventInvalid,

    /// <summary>An edit or delete of a message by someone other than its author, or a stream ended by a non-owner.</summary>
    NotAuthor,

    /// <summary>An edit, delete or reaction naming a message this node does not hold.</summary>
    UnknownMessage,

    /// <summary>A text, status or reaction key longer than its limit (<see cref="Sessions.StreamLimits"/>).</summary>
    ItemTooLarge,

    /// <summary>A message id its author already used, or a stream id already in use.</summary>
    DuplicateItem,
}
