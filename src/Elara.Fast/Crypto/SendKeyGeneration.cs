using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>The send keys of one key generation (one direction secret), for every class.</summary>
internal sealed class SendKeyGeneration : IDisposable
{
    private readonly SendClassKeys[] _classes = new SendClassKeys[PacketClassExtensions.Count];

    /// <summary>Set (by the Open stage) when the peer proved it holds the matching keys; read by the Seal stage.</summary>
    private volatile bool _confirmed;

    public SendKeyGeneration(ReadOnlySpan<byte> directionSecret, CryptoSuite suite, ChaChaImplementation chacha, bool confirmed)
    {
        for (var i = 0; i < _classes.Length; i++)
        {
            _classes[i] = new SendClassKeys(directionSecret, (PacketClass)i, suite, chacha);
        }

        _confirmed = confirmed;
    }

    public bool IsConfirmed => _confirmed;

    public void Confirm() => _confirmed = true;

    public SendClassKeys this[PacketClass packetClass] => _classes[(int)packetClass];

    public void Dispose()
    {
        foreach (var keys in _classes)
        {
            keys.Dispose();
        }
    }
}
