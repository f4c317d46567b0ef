using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Elara.Fast.Primitives;
using NSec.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>
/// ChaCha20-Poly1305 (RFC 8439) through NSec, i.e. libsodium's <c>crypto_aead_chacha20poly1305_ietf</c>.
/// Key 32 bytes, nonce 12, tag 16. The suite-0 default: faster than the BCL's OpenSSL binding in place on
/// 64/200/1200-byte payloads, and a forged tag is a <c>false</c>, not an exception (docs/crypto.md, Benchmarks).
/// </summary>
/// <remarks>
/// NSec's combined API wants ciphertext‖tag as one span and allows it to start exactly where the plaintext
/// starts, which is the frame layout (tag right after the payload), so both directions run in place.
/// </remarks>
internal sealed class NSecChaCha20Poly1305Aead : IFrameAead
{
    private static readonly AeadAlgorithm Algorithm = AeadAlgorithm.ChaCha20Poly1305;

    private readonly Key _key;

    public NSecChaCha20Poly1305Aead(ReadOnlySpan<byte> key)
    {
        if (key.Length != FrameAeadConstants.KeyLength)
        {
            ThrowHelper.ThrowArgument(nameof(key), "A ChaCha20-Poly1305 key is 32 bytes.");
        }

        _key = Key.Import(Algorithm, key, KeyBlobFormat.RawSymmetricKey);
    }

    public CryptoSuite Suite => CryptoSuite.ChaCha20Poly1305;

    public void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> payload, Span<byte> tag)
        => Algorithm.Encrypt(_key, nonce, associatedData, payload, Combined(payload, tag));

    public bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> payload, ReadOnlySpan<byte> tag)
        => Algorithm.Decrypt(_key, nonce, associatedData, Combined(payload, tag), payload);

    public void Dispose() => _key.Dispose();

    /// <summary>payload‖tag as one span; the caller's layout guarantees they are adjacent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<byte> Combined(Span<byte> payload, ReadOnlySpan<byte> tag)
    {
        ref var tagStart = ref MemoryMarshal.GetReference(tag);
        if (tag.Length != FrameAeadConstants.TagLength
            || !Unsafe.AreSame(ref Unsafe.Add(ref MemoryMarshal.GetReference(payload), payload.Length), ref tagStart))
        {
            ThrowTagNotAdjacent();
        }

        return MemoryMarshal.CreateSpan(ref Unsafe.Subtract(ref tagStart, payload.Length), payload.Length + FrameAeadConstants.TagLength);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTagNotAdjacent()
        => ThrowHelper.ThrowArgument("tag", "The 16-byte tag must directly follow the payload (frame layout).");
}
