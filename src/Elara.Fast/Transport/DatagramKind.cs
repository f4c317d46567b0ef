namespace Elara.Fast.Transport;

/// <summary>What a datagram arriving on the node's socket carries, decided from its first bytes.</summary>
public enum DatagramKind : byte
{
    /// <summary>Neither ELARA, STUN nor TURN ChannelData: counted and dropped.</summary>
    Unknown = 0,

    /// <summary>An ELARA frame (version 0): goes into the ingress ring.</summary>
    Elara = 1,

    /// <summary>A STUN message (RFC 8489 §5): Binding, TURN requests, responses and indications.</summary>
    Stun = 2,

    /// <summary>A TURN ChannelData message (RFC 8656 §12.4): a relayed datagram on a bound channel.</summary>
    ChannelData = 3,

    /// <summary>
    /// Not from the network: an entry the node itself posted into its ingress ring (a timer tick, a command, a
    /// Core message from an application thread), so that the Apply stage is the one thread that changes session
    /// state. Transports never produce it (<see cref="DatagramClassifier"/> cannot return it).
    /// </summary>
    Control = 4,
}
