using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>
/// The BCL AEADs verify the tag in constant time inside OpenSSL but report a mismatch by throwing
/// <see cref="AuthenticationTagMismatchException"/>; this turns that into a <c>false</c> so a forged frame
/// is a status, as the hot path requires. The throw still costs microseconds per forged frame, one reason
/// suite 0 uses NSec (docs/crypto.md).
/// </summary>
internal static class BclAead
{
    public static bool TryDecrypt(ChaCha20Poly1305 cipher, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> payload, ReadOnlySpan<byte> tag)
    {
        try
        {
            cipher.Decrypt(nonce, payload, tag, payload, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return Mismatch(payload);
        }
    }

    public static bool TryDecrypt(AesGcm cipher, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> payload, ReadOnlySpan<byte> tag)
    {
        try
        {
            cipher.Decrypt(nonce, payload, tag, payload, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return Mismatch(payload);
        }
    }

    /// <summary>Never hand back unauthenticated plaintext (the BCL zeroes it too; this makes it explicit).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Mismatch(Span<byte> payload)
    {
        CryptographicOperations.ZeroMemory(payload);
        return false;
    }
}
