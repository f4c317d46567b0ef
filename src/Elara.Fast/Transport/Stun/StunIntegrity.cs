using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Elara.Fast.Transport.Stun;

/// <summary>
/// Keys and MACs of the STUN credential mechanisms (RFC 8489 §9). MESSAGE-INTEGRITY is HMAC-SHA1 and
/// MESSAGE-INTEGRITY-SHA256 is HMAC-SHA256 over the message up to (not including) the attribute, with the
/// header's length field rewritten to end just after the attribute (§14.5); FINGERPRINT is CRC-32 over
/// the message up to the attribute, xor 0x5354554E (§14.7).
/// </summary>
public static class StunIntegrity
{
    /// <summary>Size of the MESSAGE-INTEGRITY value.</summary>
    public const int HmacSha1Size = 20;

    /// <summary>Size of the full MESSAGE-INTEGRITY-SHA256 value.</summary>
    public const int HmacSha256Size = 32;

    /// <summary>Size of the long-term key, MD5(username ":" realm ":" password) (RFC 8489 §9.2.2).</summary>
    public const int LongTermKeySize = 16;

    /// <summary>The value FINGERPRINT xors into the CRC, "STUN" in ASCII.</summary>
    public const uint FingerprintXor = 0x5354554E;

    // Messages up to this size are copied to the stack to rewrite the length field; bigger ones (rare:
    // nothing over one datagram arrives here) go through the shared ArrayPool.
    private const int StackCopyLimit = 1536;

    /// <summary>
    /// The long-term credential key (RFC 8489 §9.2.2) into <paramref name="key"/> (16 bytes):
    /// MD5(username ":" OpaqueString(realm) ":" OpaqueString(password)).
    /// </summary>
    /// <exception cref="ArgumentException">The realm or password is not a valid <see cref="OpaqueString"/>.</exception>
    public static void DeriveLongTermKey(string username, string realm, string password, Span<byte> key)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(password);
        HashLongTermKey(username, OpaqueString.Prepare(realm, nameof(realm)), OpaqueString.Prepare(password, nameof(password)), key);
    }

    /// <summary>
    /// <see cref="DeriveLongTermKey"/> for a realm that came off the network: false, instead of an exception, when
    /// the realm or password is not a valid <see cref="OpaqueString"/>.
    /// </summary>
    public static bool TryDeriveLongTermKey(string username, string realm, string password, Span<byte> key)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(password);
        if (!OpaqueString.TryPrepare(realm, out var preparedRealm) || !OpaqueString.TryPrepare(password, out var preparedPassword))
        {
            return false;
        }

        HashLongTermKey(username, preparedRealm, preparedPassword, key);
        return true;
    }

    /// <summary>The short-term credential key: the UTF-8 bytes of OpaqueString(password) (RFC 8489 §9.1.1).</summary>
    /// <exception cref="ArgumentException">The password is not a valid <see cref="OpaqueString"/>.</exception>
    public static byte[] ShortTermKey(string password) => Encoding.UTF8.GetBytes(OpaqueString.Prepare(password, nameof(password)));

    private static void HashLongTermKey(string username, string realm, string password, Span<byte> key)
    {
        var text = string.Concat(username, ":", realm, ":", password);
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, rented);
#pragma warning disable CA5351 // MD5 is what RFC 8489 §9.2.2 specifies for the long-term key.
            MD5.HashData(rented.AsSpan(0, length), key);
#pragma warning restore CA5351
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>
    /// HMAC over <paramref name="prefix"/> (the message up to the integrity attribute) with the length
    /// field rewritten to <paramref name="lengthField"/>; SHA-1 when <paramref name="mac"/> is 20 bytes,
    /// SHA-256 when it is 32.
    /// </summary>
    /// <remarks>
    /// HMAC (RFC 2104) is built here from two one-shot hashes, H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), because
    /// the message must be copied anyway to rewrite its length, so the ipad block goes in front of the
    /// copy for free; and the BCL's one-shot <c>HMACSHA1.HashData</c> sets up an OpenSSL 3 MAC context on
    /// every call: parsing and verifying the RFC 5769 response this way costs 0.75× the BCL's bare HMAC
    /// over the same bytes (StunParseBenchmarks, docs/stun-turn.md). A test compares the two bit for bit.
    /// </remarks>
    internal static void ComputeMac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> prefix, int lengthField, Span<byte> mac)
    {
        const int Block = 64;   // SHA-1 and SHA-256 block size
        var sha1 = mac.Length == HmacSha1Size;
        var digestSize = sha1 ? HmacSha1Size : HmacSha256Size;

        Span<byte> keyBlock = stackalloc byte[Block];
        keyBlock.Clear();
        if (key.Length > Block)
        {
            Hash(sha1, key, keyBlock);
        }
        else
        {
            key.CopyTo(keyBlock);
        }

        var innerLength = Block + prefix.Length;
        byte[]? rented = null;
        var inner = innerLength <= Block + StackCopyLimit
            ? stackalloc byte[Block + StackCopyLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(innerLength));
        inner = inner.Slice(0, innerLength);
        Span<byte> outer = stackalloc byte[Block + HmacSha256Size];
        for (var i = 0; i < Block; i++)
        {
            inner[i] = (byte)(keyBlock[i] ^ 0x36);
            outer[i] = (byte)(keyBlock[i] ^ 0x5C);
        }

        prefix.CopyTo(inner.Slice(Block));
        BinaryPrimitives.WriteUInt16BigEndian(inner.Slice(Block + 2), (ushort)lengthField);
        Hash(sha1, inner, outer.Slice(Block, digestSize));
        Hash(sha1, outer.Slice(0, Block + digestSize), mac);

        CryptographicOperations.ZeroMemory(keyBlock);
        CryptographicOperations.ZeroMemory(inner.Slice(0, Block));
        CryptographicOperations.ZeroMemory(outer.Slice(0, Block));
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void Hash(bool sha1, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (sha1)
        {
#pragma warning disable CA5350 // SHA-1 inside HMAC-SHA1 is what RFC 8489 §14.5 specifies for MESSAGE-INTEGRITY.
            SHA1.HashData(data, destination);
#pragma warning restore CA5350
        }
        else
        {
            SHA256.HashData(data, destination);
        }
    }

    /// <summary>The FINGERPRINT value of <paramref name="prefix"/>, whose length field already counts the FINGERPRINT attribute.</summary>
    internal static uint ComputeFingerprint(ReadOnlySpan<byte> prefix) => StunCrc32.Compute(prefix) ^ FingerprintXor;
}
