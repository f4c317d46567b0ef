using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using HashAlgorithm = NSec.Cryptography.HashAlgorithm;
using IncrementalHash = NSec.Cryptography.IncrementalHash;

namespace Elara.Fast.Crypto;

/// <summary>
/// Noise SymmetricState (Noise rev 34, section 5.2) with SHA-256: the chaining key <c>ck</c>, the handshake
/// hash <c>h</c> and a <see cref="NoiseCipherState"/>. HKDF is Noise's (section 4.3), which equals RFC 5869
/// HKDF-SHA256 with <c>salt = ck</c>, empty info and 64 output bytes (Extract: one HMAC-SHA256; Expand: NSec).
/// </summary>
internal sealed class NoiseSymmetricState : IDisposable
{
    /// <summary>SHA-256 output length, Noise's HASHLEN.</summary>
    public const int HashLength = 32;

    private static readonly HkdfSha256 Hkdf = KeyDerivationAlgorithm.HkdfSha256;

    private readonly byte[] _chainingKey = new byte[HashLength];
    private readonly byte[] _hash = new byte[HashLength];

    /// <summary>The cipher state keyed by MixKey.</summary>
    public NoiseCipherState Cipher { get; } = new();

    /// <summary>The handshake hash <c>h</c> (a channel binding value once the handshake is done).</summary>
    public ReadOnlySpan<byte> HandshakeHash => _hash;

    /// <summary>InitializeSymmetric: <c>h</c> = the name padded with zeros when it fits in 32 bytes, else its hash.</summary>
    public void Initialize(string protocolName)
    {
        Span<byte> name = stackalloc byte[Encoding.ASCII.GetByteCount(protocolName)];
        Encoding.ASCII.GetBytes(protocolName, name);
        if (name.Length <= HashLength)
        {
            Array.Clear(_hash);
            name.CopyTo(_hash);
        }
        else
        {
            HashAlgorithm.Sha256.Hash(name, _hash);
        }

        _hash.CopyTo(_chainingKey, 0);
        Cipher.Clear();
    }

    /// <summary>MixHash: <c>h = HASH(h || data)</c>.</summary>
    public void MixHash(ReadOnlySpan<byte> data)
    {
        IncrementalHash.Initialize(HashAlgorithm.Sha256, out var state);
        IncrementalHash.Update(ref state, _hash);
        IncrementalHash.Update(ref state, data);
        IncrementalHash.Finalize(ref state, _hash);
    }

    /// <summary>MixKey: <c>ck, k = HKDF(ck, input)</c> (the input is a DH output in the patterns used here).</summary>
    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        Span<byte> prk = stackalloc byte[HashLength];
        HMACSHA256.HashData(_chainingKey, inputKeyMaterial, prk);
        ExpandIntoChainingKeyAndCipher(prk);
    }

    /// <summary>EncryptAndHash: encrypt with <c>h</c> as associated data, then mix the ciphertext into <c>h</c>.</summary>
    public NoiseStatus EncryptAndHash(ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, out int written)
    {
        var status = Cipher.EncryptWithAd(_hash, plaintext, ciphertext, out written);
        if (status == NoiseStatus.Ok)
        {
            MixHash(ciphertext[..written]);
        }

        return status;
    }

    /// <summary>DecryptAndHash: decrypt with <c>h</c> as associated data, then mix the ciphertext into <c>h</c>.</summary>
    public NoiseStatus DecryptAndHash(ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, out int written)
    {
        var status = Cipher.DecryptWithAd(_hash, ciphertext, plaintext, out written);
        if (status == NoiseStatus.Ok)
        {
            MixHash(ciphertext);
        }

        return status;
    }

    /// <summary>
    /// Split (section 5.2): <c>temp_k1, temp_k2 = HKDF(ck, zerolen)</c>; the first secret keys the
    /// initiator-to-responder direction, the second the other.
    /// </summary>
    public void Split(Span<byte> initiatorToResponder, Span<byte> responderToInitiator)
    {
        Span<byte> prk = stackalloc byte[HashLength];
        Span<byte> output = stackalloc byte[2 * HashLength];
        HMACSHA256.HashData(_chainingKey, ReadOnlySpan<byte>.Empty, prk);
        Hkdf.Expand(prk, ReadOnlySpan<byte>.Empty, output);
        output[..HashLength].CopyTo(initiatorToResponder);
        output[HashLength..].CopyTo(responderToInitiator);
        CryptographicOperations.ZeroMemory(prk);
        CryptographicOperations.ZeroMemory(output);
    }

    /// <summary>Copies <c>ck</c>, <c>h</c> and the cipher state into <paramref name="target"/> (a snapshot).</summary>
    public void CopyTo(NoiseSymmetricState target)
    {
        _chainingKey.CopyTo(target._chainingKey, 0);
        _hash.CopyTo(target._hash, 0);
        Cipher.CopyTo(target.Cipher);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_chainingKey);
        Cipher.Dispose();
    }

    private void ExpandIntoChainingKeyAndCipher(Span<byte> prk)
    {
        Span<byte> output = stackalloc byte[2 * HashLength];
        Hkdf.Expand(prk, ReadOnlySpan<byte>.Empty, output);
        output[..HashLength].CopyTo(_chainingKey);
        Cipher.InitializeKey(output[HashLength..]);
        CryptographicOperations.ZeroMemory(prk);
        CryptographicOperations.ZeroMemory(output);
    }
}
