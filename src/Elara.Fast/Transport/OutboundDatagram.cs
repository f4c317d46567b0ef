namespace Elara.Fast.Transport;

/// <summary>One datagram to send: its bytes and where they go.</summary>
/// <param name="Payload">The datagram's bytes (a sealed frame in its egress slot, or a STUN message).</param>
/// <param name="Destination">The native address of the receiver, in the sending socket's family.</param>
public readonly record struct OutboundDatagram(ReadOnlyMemory<byte> Payload, RawSocketAddress Destination);
