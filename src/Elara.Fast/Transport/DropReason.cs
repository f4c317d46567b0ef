namespace Elara.Fast.Transport;

/// <summary>Why a received datagram did not reach the ring, or an outbound one did not leave.</summary>
public enum DropReason
{
    /// <summary>The ingress ring had no free slot: the consumers are behind.</summary>
    RingFull = 0,

    /// <summary>Shorter than the smallest thing the socket carries (a 4-byte ChannelData header).</summary>
    TooShort = 1,

    /// <summary>Longer than a ring slot: truncated by the kernel (<c>MSG_TRUNC</c>) or refused.</summary>
    TooLarge = 2,

    /// <summary>Neither an ELARA frame, a STUN message nor TURN ChannelData (<see cref="DatagramClassifier"/>).</summary>
    NotElaraOrStun = 3,

    /// <summary>An outbound datagram the network refused (no route, buffer full, unreachable).</summary>
    SendFailed = 4,

    /// <summary>Outbound: the egress side had no room; the in-memory network: its queue was full.</summary>
    QueueFull = 5,
}
