namespace Elara.Fast.Sessions;

/// <summary>What became of a send. Sends never throw on the hot path; they return one of these.</summary>
public enum SendStatus : byte
{
    /// <summary>Handed to the egress ring for every participant (unreliable classes).</summary>
    Sent = 0,

    /// <summary>Accepted for reliable, ordered delivery (Core): it is retransmitted until every participant acknowledges it.</summary>
    Queued = 1,

    /// <summary>Not sent: the node's ring had no room (back-pressure; try again).</summary>
    RingFull = 2,

    /// <summary>Not sent: larger than a frame's payload.</summary>
    TooLarge = 3,

    /// <summary>Not sent: the payload is not a valid sequence of event blocks.</summary>
    Malformed = 4,

    /// <summary>Not sent: the class is shed at the current degradation level.</summary>
    Shed = 5,

    /// <summary>Not sent: the session is closed (or the node is shutting down).</summary>
    Closed = 6,
}
