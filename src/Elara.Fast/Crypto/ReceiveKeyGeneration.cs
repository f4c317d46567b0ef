using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>The receive keys and replay windows of one key generation, for every class. Owned by the Open stage.</summary>
internal sealed class ReceiveKeyGeneration : IDisposable
{
    private readonly ReceiveClassKeys[] _classes = new ReceiveClassKeys[PacketClassExtensions.Count];

    public ReceiveKeyGeneration(ReadOnlySpan<byte> directionSecret, CryptoSuite suite, ChaChaImplementation chacha, TimeProvider time)
    {
        for (var i = 0; i < _classes.Length; i++)
        {
            _classes[i] = new ReceiveClassKeys(directionSecret, (PacketClass)i, suite, chacha, time);
        }
    }

    /// <summary>When superseded: the timestamp after which its frames are refused.</summary>
    public long ExpiresAt { get; set; } = long.MaxValue;

    /// <summary>The send generation that becomes active when a frame of this generation first authenticates (responder side).</summary>
    public SendKeyGeneration? SendToConfirm { get; set; }

    public ReceiveClassKeys this[PacketClass packetClass] => _classes[(int)packetClass];

    public long ProbeDerivations
    {
        get
        {
            long total = 0;
            foreach (var keys in _classes)
            {
                total += keys.ProbeDerivations;
            }

            return total;
        }
    }

    public void Dispose()
    {
        foreach (var keys in _classes)
        {
            keys.Dispose();
        }
    }
}
