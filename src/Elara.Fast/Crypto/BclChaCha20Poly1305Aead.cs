using System.Security.Cryptography;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>
/// ChaCha20-Poly1305 (RFC 8439) through the BCL's <see cref="ChaCha20Poly1305"/> (OpenSSL on Linux).
/// Key 32 bytes, nonce 12, tag 16. Kept as the measured alternative to NSec (docs/crypto.md, Benchmarks):
/// it is slower in place and reports a forged tag by throwing, which this adapter turns into <c>false</c>.
/// </summary>
internal sealed class BclChaCha20Poly1305Aead : IFrameAead
{
    private readonly ChaCha20Poly1305 _cipher;

    public BclChaCha20Poly1305Aead(ReadOnlySpan<byte> key)
    {
        if (key.Length != FrameAeadConstants.KeyLength)
        {
            ThrowHelper.ThrowArgument(nameof(key), "A ChaCha20-Poly1305 key is 32 bytes.");
        }

        _cipher = new ChaCha20Poly1305(key);
    }

    public CryptoSuite Suite => CryptoSuite.ChaCha20Poly1305;

    public void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> payload, Span<byte> tag)
        => _cipher.Encrypt(nonce, payload, payload, tag, associatedData);

    public bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> payload, ReadOnlySpan<byte> tag)
        => BclAead.TryDecrypt(_cipher, nonce, associatedData, payload, tag);

    public void Dispose() => _cipher.Dispose();
}
