namespace Elara.Fast.Crypto;

/// <summary>When the new keys installed by <see cref="SecureChannel.Rekey(ReadOnlySpan{byte}, ReadOnlySpan{byte}, KeyActivation)"/> take over.</summary>
/// <remarks>
/// As in WireGuard (wireguard-go <c>device/noise-protocol.go</c>: <c>BeginSymmetricSession</c> keeps a responder's
/// keypair as <c>next</c>, <c>ReceivedWithKeypair</c> promotes it): the side that completes the
/// handshake last (the initiator, once it has the response) knows its peer holds the new keys and switches
/// at once; the responder cannot know the response arrived, so it keeps sending under the old keys until the
/// first frame under the new keys authenticates.
/// </remarks>
public enum KeyActivation : byte
{
    /// <summary>Send and receive with the new keys from the next frame; the old receive keys stay valid for the grace period.</summary>
    Immediate = 0,

    /// <summary>
    /// Install the new receive keys beside the current ones and keep sending (and receiving) under the current
    /// keys until a frame under the new keys authenticates; then switch both directions.
    /// </summary>
    OnPeerConfirmation = 1,
}
