using System.Security.Cryptography;
using NSec.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>
/// The MACs of the cookie mechanism, after WireGuard (whitepaper section 5.4.4, wireguard-go device/cookie.go),
/// with HMAC-SHA256 truncated to 16 bytes in place of keyed BLAKE2s and XChaCha20-Poly1305 for the cookie:
/// <list type="bullet">
/// <item><c>mac1 = MAC(HASH("ELARA_MAC1_v0" || S_r), initiation up to mac1)</c>: checkable without any DH;
/// proves the sender knows the responder's static key S_r (XX uses 32 zero bytes: its initiator knows none).</item>
/// <item><c>cookie = MAC(secret, source address)</c>, the secret rotating every two minutes.</item>
/// <item><c>mac2 = MAC(cookie, initiation up to mac2)</c>: proves the sender receives at its source address.</item>
/// <item>The cookie travels encrypted under <c>HASH("ELARA_COOKIE_v0" || S_r)</c> with mac1 of the initiation
/// it answers as associated data, so only the initiator that sent that initiation can use it.</item>
/// </list>
/// HMAC keys change per source address, so the BCL's span-based one-shot HMAC is used (no per-call key object).
/// </summary>
internal static class CookieMac
{
    public const int KeyLength = 32;

    private static ReadOnlySpan<byte> Mac1Label => "ELARA_MAC1_v0"u8;

    private static ReadOnlySpan<byte> CookieLabel => "ELARA_COOKIE_v0"u8;

    /// <summary>The AEAD that carries the cookie (192-bit random nonces: no counter to keep).</summary>
    public static AeadAlgorithm CookieAead => AeadAlgorithm.XChaCha20Poly1305;

    /// <summary>Writes the mac1 key for a responder static key (empty: the XX all-zero key).</summary>
    public static void DeriveMac1Key(ReadOnlySpan<byte> responderStatic, Span<byte> key) => Derive(Mac1Label, responderStatic, key);

    /// <summary>Writes the cookie encryption key for a responder static key (empty: the XX all-zero key).</summary>
    public static void DeriveCookieKey(ReadOnlySpan<byte> responderStatic, Span<byte> key) => Derive(CookieLabel, responderStatic, key);

    /// <summary>A 16-byte MAC: HMAC-SHA256 truncated.</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, data, full);
        full[..HandshakeFrame.MacLength].CopyTo(mac);
    }

    /// <summary>Checks a 16-byte MAC in constant time.</summary>
    public static bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> mac)
    {
        Span<byte> expected = stackalloc byte[HandshakeFrame.MacLength];
        Compute(key, data, expected);
        return CryptographicOperations.FixedTimeEquals(expected, mac);
    }

    /// <summary>The static key a pattern's MACs are keyed with: the responder's for IK, none (zeros) for XX.</summary>
    public static ReadOnlySpan<byte> StaticFor(HandshakePattern pattern, ReadOnlySpan<byte> responderStatic)
        => pattern == HandshakePattern.IK ? responderStatic : ReadOnlySpan<byte>.Empty;

    private static void Derive(ReadOnlySpan<byte> label, ReadOnlySpan<byte> responderStatic, Span<byte> key)
    {
        Span<byte> input = stackalloc byte[label.Length + KeyLength];
        input.Clear();
        label.CopyTo(input);
        responderStatic.CopyTo(input[label.Length..]);
        SHA256.HashData(input, key);
    }
}
