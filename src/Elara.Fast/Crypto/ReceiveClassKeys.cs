using System.Security.Cryptography;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>One epoch's receive key and the replay window of the frames accepted under it.</summary>
internal sealed class ReceiveEpoch(IFrameAead aead) : IDisposable
{
    public IFrameAead Aead { get; } = aead;

    public ReplayWindow Window { get; } = new();

    public void Dispose() => Aead.Dispose();
}

/// <summary>
/// The receiving side of one (direction, class, key generation): the class key and, around the newest
/// authenticated epoch e, the keys of epochs e−1, e and e+1, each with its replay window. Owned by the Open stage.
/// </summary>
/// <remarks>
/// <para>Reordering across an epoch edge decrypts because e−1 and e+1 are held ready. The window moves only
/// when a frame of a newer epoch authenticates, so forged frames cannot make it derive or drop keys.</para>
/// <para>Each held epoch has its own replay window over the counter epoch·65536 + sequence. One window over
/// all epochs would refuse stragglers of e−1 whenever an epoch ended early on the timer: the first frame of
/// e+1 jumps the counter by up to 65 536, far past any bitmap. A frame of an epoch older than e−1 is refused
/// as too old; its key is gone, so nothing under it can be replayed.</para>
/// <para>If every frame of an epoch was lost, the next frame arrives two or more epochs ahead. Such a frame
/// (at most <see cref="MaxEpochJump"/> ahead) gets its key derived into a single probe slot; if its tag
/// verifies the window jumps there. A derivation is expensive (HKDF plus a key import: NSec's guarded key
/// memory costs ≈ 0.2 ms of CPU here, docs/crypto.md), and a forged frame can name any epoch, so a class
/// derives at most one probe key per <see cref="MinProbeInterval"/>; a frame refused by that limit counts as
/// <see cref="OpenStatus.UnknownEpoch"/> and the next one after the interval recovers. Derivations are
/// counted in <see cref="ProbeDerivations"/>.</para>
/// </remarks>
internal sealed class ReceiveClassKeys : IDisposable
{
    /// <summary>How far ahead of the newest authenticated epoch a frame may be and still be tried.</summary>
    public const int MaxEpochJump = 64;

    /// <summary>At most one probe derivation per class and generation in this interval.</summary>
    public static readonly TimeSpan MinProbeInterval = TimeSpan.FromMilliseconds(100);

    private readonly byte[] _classKey = new byte[TrafficKeySchedule.SecretLength];
    private readonly CryptoSuite _suite;
    private readonly ChaChaImplementation _chacha;
    private readonly TimeProvider _time;
    private long _nextProbeAllowed = long.MinValue;
    private ReceiveEpoch? _previous;
    private ReceiveEpoch _current;
    private ReceiveEpoch? _next;
    private ReceiveEpoch? _probe;
    private int _probeEpoch = -1;
    private int _epochNumber;

    public ReceiveClassKeys(ReadOnlySpan<byte> directionSecret, PacketClass packetClass, CryptoSuite suite, ChaChaImplementation chacha, TimeProvider time)
    {
        _time = time;
        TrafficKeySchedule.DeriveClassKey(directionSecret, packetClass, _classKey);
        _suite = suite;
        _chacha = chacha;
        _current = Derive(0);
        _next = Derive(1);
    }

    /// <summary>The newest authenticated epoch number.</summary>
    public int EpochNumber => _epochNumber;

    /// <summary>Keys derived for frames more than one epoch ahead.</summary>
    public long ProbeDerivations { get; private set; }

    /// <summary>Finds the key and replay window of <paramref name="epochNumber"/>, or says why there is none.</summary>
    public OpenStatus TryGetEpoch(int epochNumber, out ReceiveEpoch epoch)
    {
        var delta = epochNumber - _epochNumber;
        var found = delta switch
        {
            0 => _current,
            1 => _next,
            -1 => _previous,
            _ => null,
        };

        if (found is not null)
        {
            epoch = found;
            return OpenStatus.Ok;
        }

        epoch = null!;
        if (delta < 0)
        {
            return OpenStatus.TooOld;
        }

        if (delta <= 1 || delta > MaxEpochJump)
        {
            // delta 1 with no key: epoch 65535 is current, the sender must rekey.
            return OpenStatus.UnknownEpoch;
        }

        return TryProbe(epochNumber, out epoch);
    }

    /// <summary>After a frame of <paramref name="epochNumber"/> authenticated: move the key window forward if it is newer.</summary>
    public void OnAuthenticated(int epochNumber)
    {
        if (epochNumber <= _epochNumber)
        {
            return;
        }

        _previous?.Dispose();
        if (epochNumber == _epochNumber + 1)
        {
            _previous = _current;
            _current = _next!;
        }
        else
        {
            _current.Dispose();
            _next?.Dispose();
            _current = _probe!;
            _probe = null;
            _probeEpoch = -1;
            _previous = Derive(epochNumber - 1);
        }

        _epochNumber = epochNumber;
        _next = epochNumber < ushort.MaxValue ? Derive(epochNumber + 1) : null;
    }

    public void Dispose()
    {
        _previous?.Dispose();
        _current.Dispose();
        _next?.Dispose();
        _probe?.Dispose();
        CryptographicOperations.ZeroMemory(_classKey);
    }

    private OpenStatus TryProbe(int epochNumber, out ReceiveEpoch epoch)
    {
        if (_probeEpoch != epochNumber)
        {
            var now = _time.GetTimestamp();
            if (now < _nextProbeAllowed)
            {
                epoch = null!;
                return OpenStatus.UnknownEpoch;
            }

            _nextProbeAllowed = now + (long)(MinProbeInterval.TotalSeconds * _time.TimestampFrequency);
            _probe?.Dispose();
            _probe = Derive(epochNumber);
            _probeEpoch = epochNumber;
            ProbeDerivations++;
        }

        epoch = _probe!;
        return OpenStatus.Ok;
    }

    private ReceiveEpoch Derive(int epochNumber) => new(EpochKeys.Create(_classKey, (ushort)epochNumber, _suite, _chacha));
}
