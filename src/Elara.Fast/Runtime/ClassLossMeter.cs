namespace Elara.Fast.Runtime;

/// <summary>
/// Loss of one packet class from one peer, from the (key epoch, sequence) of the frames that authenticated:
/// how many the sender numbered since the last interval against how many arrived. Apply stage only.
/// </summary>
/// <remarks>
/// The wire counter is not contiguous: an epoch advances on the clock as well as after 65 536 frames, and starts
/// again at sequence 0, so the 32-bit (epoch, sequence) value jumps by up to 65 535 on a quiet link every
/// half-minute. Epochs are compared, and a newer epoch adds only the frames numbered in it so far (the unseen tail
/// of the older one is not known, so loss is underestimated there, never invented). A new key generation after a
/// rekey starts at epoch 0 again: <see cref="Reset"/> re-baselines, and so does any epoch far from the last one.
/// </remarks>
internal struct ClassLossMeter
{
    // An epoch lives at least half an interval (15 s): one more than a few ahead or behind is another generation.
    private const int EpochSlack = 4;

    private bool _seen;
    private ushort _epoch;
    private ushort _sequence;
    private long _expected;
    private long _received;

    /// <summary>Frames this interval accounts for (numbered by the sender) and frames that arrived.</summary>
    public readonly (long Expected, long Received) Interval => (_expected, Math.Min(_received, _expected));

    /// <summary>Counts an authenticated frame numbered (<paramref name="epoch"/>, <paramref name="sequence"/>).</summary>
    public void Observe(ushort epoch, ushort sequence)
    {
        _received++;
        var ahead = (short)(epoch - _epoch);
        if (!_seen || ahead > EpochSlack || ahead < -EpochSlack)
        {
            _seen = true;
            _epoch = epoch;
            _sequence = sequence;
            _expected++;
        }
        else if (ahead == 0)
        {
            if (sequence > _sequence)
            {
                _expected += sequence - _sequence;
                _sequence = sequence;
            }
        }
        else if (ahead > 0)
        {
            _expected += sequence + 1; // sequences 0 … sequence of the newer epoch
            _epoch = epoch;
            _sequence = sequence;
        }

        // ahead < 0: a late frame of an older epoch, already accounted for.
    }

    /// <summary>Starts the next interval (the position in the sender's numbering is kept).</summary>
    public void NextInterval()
    {
        _expected = 0;
        _received = 0;
    }

    /// <summary>Forgets the position: the sender's numbering restarted (new keys).</summary>
    public void Reset()
    {
        _seen = false;
        NextInterval();
    }
}
