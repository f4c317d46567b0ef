using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Crypto;

/// <summary>Alice's channel to Bob and Bob's to Alice on one fake clock, disposed together.</summary>
internal sealed class ChannelPair : IDisposable
{
    public ChannelPair(CryptoSuite suite = CryptoSuite.ChaCha20Poly1305)
    {
        (Alice, Bob) = CryptoTestFrames.Pair(Time, suite);
    }

    public FakeTimeProvider Time { get; } = new();

    public SecureChannel Alice { get; }

    public SecureChannel Bob { get; }

    public void Dispose()
    {
        Alice.Dispose();
        Bob.Dispose();
    }
}
