using System.Security.Cryptography;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>
/// The sending side of one (direction, class, key generation): the class key, the current epoch's AEAD and
/// the next sequence number. Owned by the Seal stage (one thread).
/// </summary>
/// <remarks>
/// The epoch advances when the 16-bit sequence is used up (65 536 frames, so a nonce never repeats under one
/// key) and when two epoch-clock ticks (half an epoch interval each, <see cref="SecureChannel.EpochInterval"/>)
/// have passed since the epoch's first frame, so an epoch lives between half and one interval. An epoch that
/// has carried no frame yet never advances on the clock: an idle class does not burn epochs, and the receiver
/// sees them one by one. Reading a tick counter instead of the clock keeps a clock read (≈ 25 ns here) off
/// every frame. Advancing derives one key: an allocation of a few hundred bytes per 65 536 frames or per
/// interval, never per frame.
/// </remarks>
internal sealed class SendClassKeys : IDisposable
{
    private readonly byte[] _classKey = new byte[TrafficKeySchedule.SecretLength];
    private readonly CryptoSuite _suite;
    private readonly ChaChaImplementation _chacha;
    private IFrameAead _aead;
    private int _epochNumber;
    private int _nextSequence;
    private int _epochStartTick;

    public SendClassKeys(ReadOnlySpan<byte> directionSecret, PacketClass packetClass, CryptoSuite suite, ChaChaImplementation chacha)
    {
        TrafficKeySchedule.DeriveClassKey(directionSecret, packetClass, _classKey);
        _suite = suite;
        _chacha = chacha;
        _aead = EpochKeys.Create(_classKey, 0, suite, chacha);
    }

    /// <summary>
    /// Takes the next (epoch, sequence) and the key to seal with, given the channel's epoch-clock tick count;
    /// false when the generation is used up.
    /// </summary>
    public bool TryNext(int epochTick, out ushort epochField, out ushort sequence, out IFrameAead aead)
    {
        if (_nextSequence == 0)
        {
            // The epoch's first frame starts its clock.
            _epochStartTick = epochTick;
        }
        else if (_nextSequence > ushort.MaxValue || epochTick - _epochStartTick >= 2)
        {
            if (_epochNumber < ushort.MaxValue)
            {
                AdvanceEpoch(epochTick);
            }
            else if (_nextSequence > ushort.MaxValue)
            {
                // The generation's last epoch is used up; the clock alone keeps using it until a rekey.
                epochField = 0;
                sequence = 0;
                aead = null!;
                return false;
            }
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

    private void AdvanceEpoch(int epochTick)
    {
        _epochNumber++;
        _aead.Dispose();
        _aead = EpochKeys.Create(_classKey, (ushort)_epochNumber, _suite, _chacha);
        _nextSequence = 0;
        _epochStartTick = epochTick;
    }
}
