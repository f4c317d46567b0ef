using System.Security.Cryptography;
using NSec.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>An X25519 key pair for Noise (DH25519, Noise rev 34, section 12.1): 32-byte keys.</summary>
internal sealed class NoiseKeyPair : IDisposable
{
    /// <summary>The length of an X25519 key, Noise's DHLEN.</summary>
    public const int KeyLength = 32;

    private static readonly KeyAgreementAlgorithm X25519 = KeyAgreementAlgorithm.X25519;

    private readonly byte[] _publicKey;

    private NoiseKeyPair(Key privateKey)
    {
        PrivateKey = privateKey;
        _publicKey = privateKey.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The private key, inside libsodium's guarded memory.</summary>
    public Key PrivateKey { get; }

    /// <summary>The 32-byte public key.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>A fresh random key pair; <paramref name="exportable"/> allows saving the private key.</summary>
    public static NoiseKeyPair Generate(bool exportable = false)
        => new(Key.Create(X25519, new KeyCreationParameters
        {
            ExportPolicy = exportable ? KeyExportPolicies.AllowPlaintextExport : KeyExportPolicies.None,
        }));

    /// <summary>Imports a 32-byte private key (injected ephemerals in tests, persisted statics).</summary>
    public static NoiseKeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey, bool exportable = false)
    {
        if (privateKey.Length != KeyLength)
        {
            Primitives.ThrowHelper.ThrowArgument(nameof(privateKey), "An X25519 private key is 32 bytes.");
        }

        return new(Key.Import(X25519, privateKey, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters
        {
            ExportPolicy = exportable ? KeyExportPolicies.AllowPlaintextExport : KeyExportPolicies.None,
        }));
    }

    /// <summary>Writes the raw private key (only for a key created exportable).</summary>
    public void ExportPrivateKey(Span<byte> destination)
    {
        if (!PrivateKey.TryExport(KeyBlobFormat.RawPrivateKey, destination, out var written) || written != KeyLength)
        {
            Primitives.ThrowHelper.ThrowInvalidOperation("The X25519 private key could not be exported.");
        }
    }

    /// <summary>
    /// DH(this, remote) into a shared secret; null when the remote key is malformed or of low order (libsodium
    /// rejects an all-zero output, which Noise rev 34 section 12.1 allows).
    /// </summary>
    public SharedSecret? Agree(ReadOnlySpan<byte> remotePublicKey)
    {
        if (!NSec.Cryptography.PublicKey.TryImport(X25519, remotePublicKey, KeyBlobFormat.RawPublicKey, out var remote) || remote is null)
        {
            return null;
        }

        try
        {
            return X25519.Agree(PrivateKey, remote);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => PrivateKey.Dispose();
}
