namespace Elara.Fast.Crypto;

/// <summary>Sizes shared by every frame AEAD (RFC 8439 §2.8 for ChaCha20-Poly1305, NIST SP 800-38D for AES-GCM).</summary>
internal static class FrameAeadConstants
{
    /// <summary>Every suite uses 256-bit keys.</summary>
    public const int KeyLength = 32;

    /// <summary>96-bit nonces: node id (8) · sequence (2) · class (1) · 0 (WIRE.md "Crypto binding").</summary>
    public const int NonceLength = 12;

    /// <summary>128-bit tags.</summary>
    public const int TagLength = 16;
}
