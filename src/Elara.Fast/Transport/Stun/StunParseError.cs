namespace Elara.Fast.Transport.Stun;

/// <summary>Why a datagram is not a well-formed STUN message. Parsing reports these; it never throws.</summary>
public enum StunParseError : byte
{
    /// <summary>Well formed.</summary>
    None = 0,

    /// <summary>Shorter than the 20-byte header.</summary>
    TooShort,

    /// <summary>The top two bits of the type are not zero (RFC 8489 §5).</summary>
    NotStun,

    /// <summary>Bytes 4..7 are not the magic cookie 0x2112A442.</summary>
    BadMagicCookie,

    /// <summary>The header's length is not a multiple of 4 or does not match the datagram.</summary>
    LengthMismatch,

    /// <summary>An attribute's header or value (with padding) runs past the end of the message.</summary>
    AttributeTruncated,

    /// <summary>An attribute follows FINGERPRINT, which must be last (RFC 8489 §14.7).</summary>
    AttributeAfterFingerprint,
}
