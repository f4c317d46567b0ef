using System.Security.Cryptography;
using Elara.Fast.Primitives;
using NSec.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>
/// The responder's half of the cookie mechanism (<see cref="CookieMac"/>): checks mac1 and mac2 of an initiation
/// and writes stateless cookie replies. Doing so costs two or three HMACs and one small AEAD, no Diffie-Hellman.
/// The cookie secret rotates every <c>HandshakeOptions.CookieSecretLifetime</c>; mac2 made with a cookie
/// from the current or the previous secret is accepted, so a rotation does not bounce an initiator that just
/// fetched a cookie.
/// </summary>
/// <remarks>Not thread-safe: the responder calls it under its own lock.</remarks>
internal sealed class CookieChecker : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lifetime;
    private readonly byte[][] _mac1Keys = [new byte[CookieMac.KeyLength], new byte[CookieMac.KeyLength]];
    private readonly Key[] _cookieKeys = new Key[2];
    private readonly byte[] _secret = new byte[32];
    private readonly byte[] _previousSecret = new byte[32];
    private DateTimeOffset _secretCreated;
    private bool _hasPrevious;

    public CookieChecker(ReadOnlySpan<byte> responderStatic, TimeProvider timeProvider, TimeSpan lifetime)
    {
        _timeProvider = timeProvider;
        _lifetime = lifetime;
        Span<byte> key = stackalloc byte[CookieMac.KeyLength];
        foreach (var pattern in new[] { HandshakePattern.IK, HandshakePattern.XX })
        {
            var staticKey = CookieMac.StaticFor(pattern, responderStatic);
            CookieMac.DeriveMac1Key(staticKey, _mac1Keys[Slot(pattern)]);
            CookieMac.DeriveCookieKey(staticKey, key);
            _cookieKeys[Slot(pattern)] = Key.Import(CookieMac.CookieAead, key, KeyBlobFormat.RawSymmetricKey);
        }

        CryptographicOperations.ZeroMemory(key);
        RandomNumberGenerator.Fill(_secret);
        _secretCreated = timeProvider.GetUtcNow();
    }

    /// <summary>True when the initiation's mac1 is valid (the frame length was checked by the caller).</summary>
    public bool CheckMac1(ReadOnlySpan<byte> initiation, HandshakePattern pattern)
    {
        var mac1At = initiation.Length - (2 * HandshakeFrame.MacLength);
        return CookieMac.Verify(_mac1Keys[Slot(pattern)], initiation[..mac1At], initiation.Slice(mac1At, HandshakeFrame.MacLength));
    }

    /// <summary>True when the initiation's mac2 was made with the cookie of <paramref name="source"/>.</summary>
    public bool CheckMac2(ReadOnlySpan<byte> initiation, ReadOnlySpan<byte> source)
    {
        RotateIfDue();
        var mac2At = initiation.Length - HandshakeFrame.MacLength;
        var covered = initiation[..mac2At];
        var mac2 = initiation[mac2At..];
        Span<byte> cookie = stackalloc byte[HandshakeFrame.CookieLength];
        CookieMac.Compute(_secret, source, cookie);
        if (CookieMac.Verify(cookie, covered, mac2))
        {
            return true;
        }

        if (!_hasPrevious)
        {
            return false;
        }

        CookieMac.Compute(_previousSecret, source, cookie);
        return CookieMac.Verify(cookie, covered, mac2);
    }

    /// <summary>Writes a cookie reply to <paramref name="initiation"/> from <paramref name="source"/>.</summary>
    public void WriteCookieReply(Span<byte> reply, ReadOnlySpan<byte> initiation, ReadOnlySpan<byte> source, NodeId localNode)
    {
        RotateIfDue();
        var pattern = HandshakeFrame.Pattern(initiation);
        HandshakeFrame.WriteHeader(
            reply, HandshakeMessageType.CookieReply, pattern, HandshakeFrame.Session(initiation), localNode, 0, HandshakeFrame.SenderIndex(initiation));
        var nonce = reply.Slice(HandshakeFrame.BodyOffset, HandshakeFrame.CookieNonceLength);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> cookie = stackalloc byte[HandshakeFrame.CookieLength];
        CookieMac.Compute(_secret, source, cookie);
        var mac1 = initiation.Slice(initiation.Length - (2 * HandshakeFrame.MacLength), HandshakeFrame.MacLength);
        CookieMac.CookieAead.Encrypt(
            _cookieKeys[Slot(pattern)], nonce, mac1, cookie, reply.Slice(HandshakeFrame.BodyOffset + HandshakeFrame.CookieNonceLength, HandshakeFrame.CookieLength + 16));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var key in _cookieKeys)
        {
            key.Dispose();
        }

        CryptographicOperations.ZeroMemory(_secret);
        CryptographicOperations.ZeroMemory(_previousSecret);
    }

    private static int Slot(HandshakePattern pattern) => pattern == HandshakePattern.IK ? 0 : 1;

    private void RotateIfDue()
    {
        var now = _timeProvider.GetUtcNow();
        if (now - _secretCreated < _lifetime)
        {
            return;
        }

        _secret.CopyTo(_previousSecret, 0);
        // Two lifetimes idle: the previous secret is as stale as the current one.
        _hasPrevious = now - _secretCreated < 2 * _lifetime;
        RandomNumberGenerator.Fill(_secret);
        _secretCreated = now;
    }
}
