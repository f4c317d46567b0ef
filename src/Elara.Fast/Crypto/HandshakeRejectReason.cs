namespace Elara.Fast.Crypto;

/// <summary>Why a handshake datagram was not accepted, or why a handshake failed. Every reason is counted.</summary>
internal enum HandshakeRejectReason : byte
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>The datagram is not a handshake frame, or its type, pattern or length is wrong.</summary>
    Malformed,

    /// <summary>The message type is not one this side receives (e.g. a Response at a responder).</summary>
    UnexpectedMessage,

    /// <summary>mac1 is invalid: the sender does not know our static key, or the message was altered.</summary>
    InvalidMac1,

    /// <summary>Under load, the source already proved its address but is over its initiation rate.</summary>
    RateLimited,

    /// <summary>Under load without a valid mac2: a cookie reply was sent instead of doing any Diffie-Hellman.</summary>
    CookieSent,

    /// <summary>The Noise message is shorter than its tokens require.</summary>
    Truncated,

    /// <summary>A Noise AEAD tag did not verify (garbled, wrong static key, or not for this handshake).</summary>
    DecryptFailed,

    /// <summary>A Diffie-Hellman with the peer's key failed (a low-order point).</summary>
    InvalidPublicKey,

    /// <summary>The identity payload's signature does not bind the Ed25519 key to the Noise static key.</summary>
    InvalidIdentitySignature,

    /// <summary>The header's node id is not the fingerprint of the identity the handshake authenticated.</summary>
    NodeIdMismatch,

    /// <summary>The peer authenticated as a different node than the one this initiator expected.</summary>
    UnexpectedPeer,

    /// <summary>The initiation's timestamp is not newer than the last one accepted from this peer.</summary>
    ReplayedInitiation,

    /// <summary>The receiver index names no handshake in progress.</summary>
    UnknownIndex,

    /// <summary>A cookie reply that does not answer our last initiation.</summary>
    InvalidCookieReply,

    /// <summary>The source address is empty or longer than <see cref="HandshakeOptions.MaxSourceAddressLength"/>.</summary>
    InvalidSourceAddress,

    /// <summary>The initiator gave up after its last retransmission.</summary>
    TimedOut,

    /// <summary>The initiator is not waiting for this message (already completed, failed or not started).</summary>
    WrongState,
}

/// <summary>Sizes of per-reason counter tables.</summary>
internal static class HandshakeRejectReasons
{
    public const int Count = (int)HandshakeRejectReason.WrongState + 1;

    public static HandshakeRejectReason FromNoise(NoiseStatus status) => status switch
    {
        NoiseStatus.Ok => HandshakeRejectReason.None,
        NoiseStatus.Truncated => HandshakeRejectReason.Truncated,
        NoiseStatus.InvalidPublicKey => HandshakeRejectReason.InvalidPublicKey,
        NoiseStatus.WrongTurn => HandshakeRejectReason.WrongState,
        NoiseStatus.BufferTooSmall => HandshakeRejectReason.Malformed,
        _ => HandshakeRejectReason.DecryptFailed,
    };
}
