using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>Which library implements ChaCha20-Poly1305 (suite 0).</summary>
internal enum ChaChaImplementation : byte
{
    /// <summary>NSec (libsodium): the measured default.</summary>
    NSec = 0,

    /// <summary>The BCL's <see cref="System.Security.Cryptography.ChaCha20Poly1305"/> (OpenSSL).</summary>
    Bcl = 1,
}

/// <summary>Builds the frame AEAD for a suite from a 32-byte key.</summary>
internal static class FrameAeadFactory
{
    /// <summary>
    /// Suite 0's library, chosen by measurement (bench/Elara.Fast.Benchmarks/Crypto/AeadLibraryBenchmarks.cs,
    /// figures in docs/crypto.md): NSec beat the BCL at every payload size in place.
    /// </summary>
    public const ChaChaImplementation DefaultChaCha = ChaChaImplementation.NSec;

    /// <summary>True when the suite is one this build implements.</summary>
    public static bool IsSupported(CryptoSuite suite) => suite is CryptoSuite.ChaCha20Poly1305 or CryptoSuite.Aes256Gcm;

    public static IFrameAead Create(CryptoSuite suite, ReadOnlySpan<byte> key, ChaChaImplementation chacha = DefaultChaCha)
    {
        switch (suite)
        {
            case CryptoSuite.ChaCha20Poly1305:
                return chacha == ChaChaImplementation.Bcl ? new BclChaCha20Poly1305Aead(key) : new NSecChaCha20Poly1305Aead(key);
            case CryptoSuite.Aes256Gcm:
                return new AesGcmAead(key);
            default:
                ThrowHelper.ThrowArgumentOutOfRange(nameof(suite), "Unknown crypto suite.");
                return null;
        }
    }
}
