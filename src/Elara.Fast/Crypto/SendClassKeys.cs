using System.Security.Cryptography;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>
/// The sending side of one (direction, class, key generation): the class key, the current epoch's AEAD and
/// the next sequence number. Owned by the Seal stage (one thread).
/// </summary>
/// <remarks>
/// The epoch advances when the 16-bit sequence is used up (65 536 frames, so a nonce never repeats under one
/// key) and when the epoch is older than the epoch interval and has carried at least one frame (so an idle
/// class does not burn epochs and the receiver sees them one by one). Advancing derives one key: an
/// allocation of a few hundred bytes per 65 536 frames or per interval, never per frame.
/// </remarks>
internal sealed class SendClassKeys : IDisposable
{
    private readonly byte[] _classKey = new byte[TrafficKeySchedule.SecretLength];
    private readonly CryptoSuite _suite;
    private readonly ChaChaImplementation _chacha;
    private readonly long _epochIntervalTicks;
    private IFrameAead _aead;
    private int _epochNumber;
    private int _nextSequence;
    private long _epochDeadline;

    public SendClassKeys(ReadOnlySpan<byte> directionSecret, PacketClass packetClass, CryptoSuite suite, ChaChaImplementation chacha, long now, long epochIntervalTicks)
    {
        TrafficKeySchedule.DeriveClassKey(directionSecret, packetClass, _classKey);
        _suite = suite;
        _chacha = chacha;
        _epochIntervalTicks = epochIntervalTicks;
        _aead = EpochKeys.Create(_classKey, 0, suite, chacha);
        _epochDeadline = now + epochIntervalTicks;
    }

    /// <summary>The wire epoch field the next frame will carry (tests and diagnostics).</summary>
    public ushort CurrentEpochField => (ushort)_epochNumber;

    /// <summary>Takes the next (epoch, sequence) and the key to seal with; false when the generation is used up.</summary>
    public bool TryNext(long now, out ushort epochField, out ushort sequence, out IFrameAead aead)
    {
        if (_nextSequence > ushort.MaxValue || (now >= _epochDeadline && _nextSequence > 0))
        {
            if (!TryAdvanceEpoch(now))
            {
                epochField = 0;
                sequence = 0;
                aead = null!;
                return false;
            }
        }
        else if (now >= _epochDeadline)
        {
            // Nothing was sent in this epoch yet: restart its clock instead of skipping an epoch.
            _epochDeadline = now + _epochIntervalTicks;
        }

        epochField = (ushort)_epochNumber;
        sequence = (ushort)_nextSequence++;
        aead = _aead;
        return true;
    }

    public void Dispose()
    {
        _aead.Dispose();
        CryptographicOperations.ZeroMemory(_classKey);
    }

    private bool TryAdvanceEpoch(long now)
    {
        if (_epochNumber == ushort.MaxValue)
        {
            return false;
        }

        _epochNumber++;
        _aead.Dispose();
        _aead = EpochKeys.Create(_classKey, (ushort)_epochNumber, _suite, _chacha);
        _nextSequence = 0;
        _epochDeadline = now + _epochIntervalTicks;
        return true;
    }
}
