using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>
/// Noise CipherState (Noise rev 34, section 5.1) for ChaChaPoly: a 32-byte key and a 64-bit counter nonce
/// encoded as 32 zero bits followed by the little-endian counter (section 12.3). Used for the handshake and
/// for Noise's own transport phase (the published vectors); ELARA data frames use the crypto layer's frame
/// protection instead, keyed from <c>NoiseHandshakeState.Split</c>.
/// </summary>
/// <remarks>
/// The cipher is the BCL's <see cref="ChaCha20Poly1305"/> (OpenSSL), not NSec's: a handshake sets a new key at
/// every MixKey, and importing an NSec key costs as much as an X25519 (guarded memory: about 1.7 ms vs 3.6 µs
/// for a BCL instance on the loaded CI machine, HandshakeBenchmarks). The BCL reports a bad tag with an
/// exception, which is caught here once per failed handshake message and turned into
/// <see cref="NoiseStatus.DecryptFailed"/>; it is still cheaper than the key import it replaces.
/// </remarks>
internal sealed class NoiseCipherState : IDisposable
{
    /// <summary>The length of a ChaChaPoly key.</summary>
    public const int KeyLength = 32;

    /// <summary>The length of a Poly1305 tag.</summary>
    public const int TagLength = 16;

    // The raw key is kept beside the cipher so a handshake can snapshot and restore its state.
    private readonly byte[] _keyBytes = new byte[KeyLength];
    private ChaCha20Poly1305? _key;

    /// <summary>True once a key was set (before that, encryption is the identity: section 5.1).</summary>
    public bool HasKey => _key is not null;

    /// <summary>The next nonce.</summary>
    public ulong Nonce { get; private set; }

    /// <summary>Sets a fresh key and resets the nonce to zero (InitializeKey).</summary>
    public void InitializeKey(ReadOnlySpan<byte> key)
    {
        key[..KeyLength].CopyTo(_keyBytes);
        _key?.Dispose();
        _key = new ChaCha20Poly1305(_keyBytes);
        Nonce = 0;
    }

    /// <summary>EncryptWithAd: writes plaintext.Length (+16 once keyed) bytes to <paramref name="ciphertext"/>.</summary>
    public NoiseStatus EncryptWithAd(ReadOnlySpan<byte> ad, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, out int written)
    {
        written = 0;
        if (_key is null)
        {
            if (ciphertext.Length < plaintext.Length)
            {
                return NoiseStatus.BufferTooSmall;
            }

            plaintext.CopyTo(ciphertext);
            written = plaintext.Length;
            return NoiseStatus.Ok;
        }

        if (ciphertext.Length < plaintext.Length + TagLength)
        {
            return NoiseStatus.BufferTooSmall;
        }

        if (Nonce == ulong.MaxValue)
        {
            return NoiseStatus.NonceExhausted;
        }

        Span<byte> nonce = stackalloc byte[12];
        WriteNonce(nonce, Nonce);
        _key.Encrypt(nonce, plaintext, ciphertext[..plaintext.Length], ciphertext.Slice(plaintext.Length, TagLength), ad);
        Nonce++;
        written = plaintext.Length + TagLength;
        return NoiseStatus.Ok;
    }

    /// <summary>DecryptWithAd: the nonce advances only when the tag verifies.</summary>
    public NoiseStatus DecryptWithAd(ReadOnlySpan<byte> ad, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, out int written)
    {
        written = 0;
        if (_key is null)
        {
            if (plaintext.Length < ciphertext.Length)
            {
                return NoiseStatus.BufferTooSmall;
            }

            ciphertext.CopyTo(plaintext);
            written = ciphertext.Length;
            return NoiseStatus.Ok;
        }

        if (ciphertext.Length < TagLength)
        {
            return NoiseStatus.Truncated;
        }

        var length = ciphertext.Length - TagLength;
        if (plaintext.Length < length)
        {
            return NoiseStatus.BufferTooSmall;
        }

        if (Nonce == ulong.MaxValue)
        {
            return NoiseStatus.NonceExhausted;
        }

        Span<byte> nonce = stackalloc byte[12];
        WriteNonce(nonce, Nonce);
        if (!TryDecrypt(_key, nonce, ad, ciphertext, plaintext[..length]))
        {
            return NoiseStatus.DecryptFailed;
        }

        Nonce++;
        written = length;
        return NoiseStatus.Ok;
    }

    /// <summary>Copies this state's key and nonce into <paramref name="target"/>.</summary>
    public void CopyTo(NoiseCipherState target)
    {
        if (_key is null)
        {
            target.Clear();
            return;
        }

        target.InitializeKey(_keyBytes);
        target.Nonce = Nonce;
    }

    /// <summary>Forgets the key.</summary>
    public void Clear()
    {
        _key?.Dispose();
        _key = null;
        CryptographicOperations.ZeroMemory(_keyBytes);
        Nonce = 0;
    }

    /// <inheritdoc/>
    public void Dispose() => Clear();

    private static bool TryDecrypt(ChaCha20Poly1305 key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ad, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        var length = ciphertext.Length - TagLength;
        try
        {
            key.Decrypt(nonce, ciphertext[..length], ciphertext[length..], plaintext, ad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    private static void WriteNonce(Span<byte> nonce, ulong counter)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], counter);
    }
}
