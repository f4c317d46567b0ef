namespace Elara.Fast.Transport.Stun;

/// <summary>
/// Sends one datagram to the STUN/TURN server a client talks to. Whoever owns the socket supplies it, so
/// STUN and TURN share the node's socket with ELARA traffic (the demultiplexer feeds replies back).
/// </summary>
/// <param name="datagram">The bytes; only valid during the call.</param>
public delegate void DatagramSender(ReadOnlySpan<byte> datagram);
