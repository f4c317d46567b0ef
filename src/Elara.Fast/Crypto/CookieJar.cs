using System.Security.Cryptography;
using NSec.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>
/// The initiator's half of the cookie mechanism (<see cref="CookieMac"/>): writes mac1 and mac2 on each
/// initiation, remembers the last mac1, and takes the cookie out of a cookie reply that answers it. A cookie is
/// used for <see cref="CookieLifetime"/> after it arrived (a little less than the responder's secret lifetime).
/// </summary>
internal sealed class CookieJar
{
    /// <summary>How long a received cookie is used (WireGuard: 120 s minus a margin).</summary>
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromSeconds(110);

    private readonly TimeProvider _timeProvider;
    private readonly byte[] _mac1Key = new byte[CookieMac.KeyLength];
    private readonly byte[] _cookieKey = new byte[CookieMac.KeyLength];
    private readonly byte[] _lastMac1 = new byte[HandshakeFrame.MacLength];
    private readonly byte[] _cookie = new byte[HandshakeFrame.CookieLength];
    private DateTimeOffset _cookieReceived;
    private bool _hasCookie;
    private bool _hasLastMac1;

    public CookieJar(HandshakePattern pattern, ReadOnlySpan<byte> responderStatic, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        var staticKey = CookieMac.StaticFor(pattern, responderStatic);
        CookieMac.DeriveMac1Key(staticKey, _mac1Key);
        CookieMac.DeriveCookieKey(staticKey, _cookieKey);
    }

    /// <summary>True while a cookie is held and fresh.</summary>
    public bool HasFreshCookie => _hasCookie && _timeProvider.GetUtcNow() - _cookieReceived < CookieLifetime;

    /// <summary>Fills the last 32 bytes of <paramref name="initiation"/>: mac1, then mac2 (zeros without a cookie).</summary>
    public void WriteMacs(Span<byte> initiation)
    {
        var mac1At = initiation.Length - (2 * HandshakeFrame.MacLength);
        var mac2At = initiation.Length - HandshakeFrame.MacLength;
        CookieMac.Compute(_mac1Key, initiation[..mac1At], initiation[mac1At..mac2At]);
        initiation[mac1At..mac2At].CopyTo(_lastMac1);
        _hasLastMac1 = true;
        if (HasFreshCookie)
        {
            CookieMac.Compute(_cookie, initiation[..mac2At], initiation[mac2At..]);
        }
        else
        {
            initiation[mac2At..].Clear();
        }
    }

    /// <summary>Takes the cookie from a cookie reply; false when it does not answer our last initiation.</summary>
    public bool TryAccept(ReadOnlySpan<byte> reply)
    {
        if (!_hasLastMac1 || reply.Length != HandshakeFrame.CookieReplyLength)
        {
            return false;
        }

        var nonce = reply.Slice(HandshakeFrame.BodyOffset, HandshakeFrame.CookieNonceLength);
        var sealedCookie = reply[(HandshakeFrame.BodyOffset + HandshakeFrame.CookieNonceLength)..];
        using var key = Key.Import(CookieMac.CookieAead, _cookieKey, KeyBlobFormat.RawSymmetricKey);
        Span<byte> cookie = stackalloc byte[HandshakeFrame.CookieLength];
        if (!CookieMac.CookieAead.Decrypt(key, nonce, _lastMac1, sealedCookie, cookie))
        {
            return false;
        }

        cookie.CopyTo(_cookie);
        CryptographicOperations.ZeroMemory(cookie);
        _cookieReceived = _timeProvider.GetUtcNow();
        _hasCookie = true;
        return true;
    }
}
