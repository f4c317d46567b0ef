namespace Elara.Fast.Primitives;

/// <summary>The crypto suite (low nibble of fixed header byte 0).</summary>
public enum CryptoSuite : byte
{
    /// <summary>X25519 + ChaCha20-Poly1305 + Ed25519.</summary>
    ChaCha20Poly1305 = 0,

    /// <summary>X25519 + AES-256-GCM + Ed25519.</summary>
    Aes256Gcm = 1,
}
