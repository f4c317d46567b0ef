using System.Security.Cryptography;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>
/// AES-256-GCM (NIST SP 800-38D) through the BCL's <see cref="AesGcm"/> (AES-NI/VAES via OpenSSL): suite 1.
/// Key 32 bytes, nonce 12, tag 16. GCM's per-key limit is far above ours: a key encrypts at most 65 536
/// frames of one class and epoch before the epoch (and so the key) changes.
/// </summary>
internal sealed class AesGcmAead : IFrameAead
{
    private readonly AesGcm _cipher;

    public AesGcmAead(ReadOnlySpan<byte> key)
    {
        if (key.Length != FrameAeadConstants.KeyLength)
        {
            ThrowHelper.ThrowArgument(nameof(key), "An AES-256-GCM key is 32 bytes.");
        }

        _cipher = new AesGcm(key, FrameAeadConstants.TagLength);
    }

    public CryptoSuite Suite => CryptoSuite.Aes256Gcm;

    public void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> payload, Span<byte> tag)
        => _cipher.Encrypt(nonce, payload, payload, tag, associatedData);

    public bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> payload, ReadOnlySpan<byte> tag)
        => BclAead.TryDecrypt(_cipher, nonce, associatedData, payload, tag);

    public void Dispose() => _cipher.Dispose();
}
