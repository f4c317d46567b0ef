namespace Elara.Fast.Transport.Stun;

/// <summary>Outcome of checking MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 or FINGERPRINT.</summary>
public enum StunIntegrityStatus : byte
{
    /// <summary>The attribute is present and verifies.</summary>
    Valid = 0,

    /// <summary>The message carries no such attribute.</summary>
    Missing,

    /// <summary>The attribute is present but malformed or does not verify.</summary>
    Invalid,
}
