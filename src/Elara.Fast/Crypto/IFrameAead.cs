using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>
/// One pre-imported AEAD key that seals and opens a frame body in place: the payload is encrypted where it
/// lies and the 16-byte tag is written to (or verified from) the span that follows it.
/// </summary>
/// <remarks>
/// The key is imported once at construction (one epoch key of one class), so a call costs the cipher and
/// nothing else: no allocation, no key schedule. Implementations verify the tag with the library's
/// constant-time comparison, never with a byte loop. An instance is used by one thread at a time (the Seal
/// stage or the Open stage owns it).
/// </remarks>
internal interface IFrameAead : IDisposable
{
    /// <summary>The suite this key belongs to.</summary>
    CryptoSuite Suite { get; }

    /// <summary>Encrypts <paramref name="payload"/> in place and writes the tag to <paramref name="tag"/>.</summary>
    /// <param name="nonce">12 bytes.</param>
    /// <param name="associatedData">Authenticated, not encrypted (the frame header and extensions).</param>
    /// <param name="payload">Plaintext in, ciphertext out.</param>
    /// <param name="tag">16 bytes; it must directly follow <paramref name="payload"/> in memory (the frame layout).</param>
    void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> payload, Span<byte> tag);

    /// <summary>
    /// Verifies <paramref name="tag"/> and decrypts <paramref name="payload"/> in place. On a tag mismatch
    /// it returns false and the payload bytes are unspecified (libraries zero them).
    /// </summary>
    bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> payload, ReadOnlySpan<byte> tag);
}
