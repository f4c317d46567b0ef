namespace Elara.Fast.Runtime;

/// <summary>What the receive window did with one reliable message.</summary>
internal enum CoreReceiveResult : byte
{
    /// <summary>The next in order: deliver it now (then drain <see cref="CoreReceiveWindow.TryTakeNext"/>).</summary>
    Deliver,

    /// <summary>Ahead of a gap: kept until the gap fills.</summary>
    Buffered,

    /// <summary>Already delivered (a retransmission or a network duplicate): acknowledged again, not delivered.</summary>
    Duplicate,

    /// <summary>Too far ahead to keep: dropped (the sender retransmits it).</summary>
    OutOfWindow,

    /// <summary>From an older incarnation of the sender: dropped.</summary>
    Stale,
}

/// <summary>
/// The receiving side of Core traffic from one peer: delivers each message exactly once and in the sender's order,
/// keeping those that arrive ahead of a gap, and builds the acknowledgement. Apply stage only.
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="Capacity"/> messages ahead of the next expected one are kept, in one slab allocated
/// with the window (so the first reordering in steady state allocates nothing); one further ahead is dropped and
/// counted, and the sender's retransmission brings it back.
/// </remarks>
internal sealed class CoreReceiveWindow
{
    public const int Capacity = 256;

    private readonly byte[] _slab = GC.AllocateUninitializedArray<byte>(Capacity * CoreSendWindow.MaxMessage);
    private readonly int[] _lengths = new int[Capacity];
    private readonly bool[] _present = new bool[Capacity];
    private uint _delivered; // every message up to this one was delivered
    private bool _known;

    /// <summary>The sender's incarnation this window follows.</summary>
    public uint PeerIncarnation { get; private set; }

    /// <summary>True when something arrived since the last acknowledgement was sent.</summary>
    public bool AckDue { get; set; }

    public long Delivered { get; private set; }

    public long Duplicates { get; private set; }

    public long Dropped { get; private set; }

    /// <summary>The acknowledgement to send: (incarnation, every message up to, bits of those past the gap).</summary>
    public (uint Incarnation, uint Ack, uint Bits) Acknowledgement
    {
        get
        {
            uint bits = 0;
            for (var i = 0; i < 32; i++)
            {
                if (_present[(_delivered + 2 + (uint)i) % Capacity] && IsAhead(_delivered + 2 + (uint)i))
                {
                    bits |= 1u << i;
                }
            }

            return (PeerIncarnation, _delivered, bits);
        }
    }

    /// <summary>
    /// Takes message <paramref name="sequence"/> of incarnation <paramref name="incarnation"/>. On
    /// <see cref="CoreReceiveResult.Deliver"/> the caller delivers it from where it lies (no copy); on
    /// <see cref="CoreReceiveResult.Buffered"/> it was copied here. <paramref name="restarted"/> is true when a newer
    /// incarnation reset the window: the peer restarted, so this side must restart its own sending too.
    /// </summary>
    public CoreReceiveResult Accept(uint incarnation, uint sequence, ReadOnlySpan<byte> blocks, out bool restarted)
    {
        restarted = false;
        if (!_known || (int)(incarnation - PeerIncarnation) > 0)
        {
            restarted = _known;
            Reset(incarnation);
        }
        else if (incarnation != PeerIncarnation)
        {
            Dropped++;
            return CoreReceiveResult.Stale;
        }

        AckDue = true;
        if ((int)(sequence - _delivered) <= 0)
        {
            Duplicates++;
            return CoreReceiveResult.Duplicate;
        }

        if (sequence == _delivered + 1)
        {
            _delivered = sequence;
            Delivered++;
            return CoreReceiveResult.Deliver;
        }

        if (sequence - _delivered > Capacity - 1)
        {
            Dropped++;
            return CoreReceiveResult.OutOfWindow;
        }

        var index = (int)(sequence % Capacity);
        if (_present[index])
        {
            Duplicates++;
            return CoreReceiveResult.Duplicate;
        }

        blocks.CopyTo(_slab.AsSpan(index * CoreSendWindow.MaxMessage, CoreSendWindow.MaxMessage));
        _lengths[index] = blocks.Length;
        _present[index] = true;
        return CoreReceiveResult.Buffered;
    }

    /// <summary>After a delivery: the next message if it was already buffered (valid until the next call).</summary>
    public bool TryTakeNext(out ReadOnlySpan<byte> blocks)
    {
        var index = (int)((_delivered + 1) % Capacity);
        if (!_present[index])
        {
            blocks = default;
            return false;
        }

        _present[index] = false;
        _delivered++;
        Delivered++;
        blocks = _slab.AsSpan(index * CoreSendWindow.MaxMessage, _lengths[index]);
        return true;
    }

    private bool IsAhead(uint sequence) => (int)(sequence - _delivered) > 1 && sequence - _delivered < Capacity;

    private void Reset(uint incarnation)
    {
        Array.Clear(_present);
        _delivered = 0;
        PeerIncarnation = incarnation;
        _known = true;
    }
}
