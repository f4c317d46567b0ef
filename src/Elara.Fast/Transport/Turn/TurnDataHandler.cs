using Elara.Fast.Transport.Stun;

namespace Elara.Fast.Transport.Turn;

/// <summary>
/// Receives data a peer sent to the relayed address, from a Data indication or a ChannelData message.
/// Called on the thread that fed the datagram in; <paramref name="data"/> is only valid during the call.
/// </summary>
public delegate void TurnDataHandler(in StunAddress peer, ReadOnlySpan<byte> data);
