using System.Runtime.InteropServices;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>
/// An X25519 key pair for Noise (DH25519, Noise rev 34, section 12.1): 32-byte keys. The scalar
/// multiplications are libsodium's (<c>crypto_scalarmult_curve25519</c>, the library NSec ships and loads),
/// called directly: NSec wraps every key and every shared secret in guarded memory (mmap, mprotect, mlock per
/// object), which cost about twelve times the curve arithmetic itself per DH (HandshakeBenchmarks,
/// docs/handshake.md). The private key lives in a pinned array (never copied by the GC) and is zeroed on Dispose.
/// </summary>
internal sealed partial class NoiseKeyPair : IDisposable
{
    /// <summary>The length of an X25519 key, Noise's DHLEN.</summary>
    public const int KeyLength = 32;

    private readonly byte[] _privateKey = GC.AllocateArray<byte>(KeyLength, pinned: true);
    private readonly byte[] _publicKey = new byte[KeyLength];

    static NoiseKeyPair()
    {
        // NSec runs sodium_init when its algorithms are first used; make sure that happened before our calls.
        _ = KeyAgreementAlgorithm.X25519;
    }

    private NoiseKeyPair(ReadOnlySpan<byte> privateKey)
    {
        privateKey.CopyTo(_privateKey);
        if (ScalarMultiplyBase(_publicKey, _privateKey) != 0)
        {
            Primitives.ThrowHelper.ThrowInvalidOperation("X25519 public key derivation failed.");
        }
    }

    /// <summary>The 32-byte public key.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>A fresh random key pair.</summary>
    public static NoiseKeyPair Generate()
    {
        Span<byte> privateKey = stackalloc byte[KeyLength];
        RandomNumberGenerator.Fill(privateKey);
        var pair = new NoiseKeyPair(privateKey);
        CryptographicOperations.ZeroMemory(privateKey);
        return pair;
    }

    /// <summary>Imports a 32-byte private key (injected ephemerals in tests, persisted statics).</summary>
    public static NoiseKeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeyLength)
        {
            Primitives.ThrowHelper.ThrowArgument(nameof(privateKey), "An X25519 private key is 32 bytes.");
        }

        return new NoiseKeyPair(privateKey);
    }

    /// <summary>Writes the raw private key (to save an identity).</summary>
    public void ExportPrivateKey(Span<byte> destination) => _privateKey.CopyTo(destination);

    /// <summary>
    /// DH(this, remote) into <paramref name="sharedSecret"/> (32 bytes); false when the remote key is not 32 bytes
    /// or is of low order (libsodium refuses an all-zero output, which Noise rev 34 section 12.1 allows).
    /// </summary>
    public bool TryAgree(ReadOnlySpan<byte> remotePublicKey, Span<byte> sharedSecret)
    {
        if (remotePublicKey.Length != KeyLength || sharedSecret.Length < KeyLength)
        {
            return false;
        }

        if (ScalarMultiply(sharedSecret, _privateKey, remotePublicKey) == 0)
        {
            return true;
        }

        CryptographicOperations.ZeroMemory(sharedSecret);
        return false;
    }

    /// <inheritdoc/>
    public void Dispose() => CryptographicOperations.ZeroMemory(_privateKey);

    private static int ScalarMultiply(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p)
        => crypto_scalarmult_curve25519(ref MemoryMarshal.GetReference(q), in MemoryMarshal.GetReference(n), in MemoryMarshal.GetReference(p));

    private static int ScalarMultiplyBase(Span<byte> q, ReadOnlySpan<byte> n)
        => crypto_scalarmult_curve25519_base(ref MemoryMarshal.GetReference(q), in MemoryMarshal.GetReference(n));

    // libsodium: int crypto_scalarmult_curve25519(unsigned char *q, const unsigned char *n, const unsigned char *p);
    // returns -1 when the result is all zeros.
    [LibraryImport("libsodium")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial int crypto_scalarmult_curve25519(ref byte q, in byte n, in byte p);

    [LibraryImport("libsodium")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial int crypto_scalarmult_curve25519_base(ref byte q, in byte n);
}
