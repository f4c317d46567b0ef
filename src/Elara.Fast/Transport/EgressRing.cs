using Elara.Fast.Crypto;
using Elara.Fast.Ring;

namespace Elara.Fast.Transport;

/// <summary>A sealed frame waiting in the egress ring: its length in the slab slot and where it goes.</summary>
public struct OutboundFrame
{
    /// <summary>Bytes of the frame in its slot; 0 for an entry the Transmit stage skips.</summary>
    public int Length;

    /// <summary>The receiver, in the transport's address family.</summary>
    public RawSocketAddress Destination;

    /// <summary>
    /// When set, the frame in the slot is plaintext and the Transmit stage seals it with this channel just
    /// before sending, so that every Seal of a channel happens on one thread (the channel's contract) and in
    /// ring order. Null for frames that are already final (handshakes, STUN).
    /// </summary>
    public SecureChannel? Channel;

    /// <summary>
    /// True for an entry that sends nothing and disposes <see cref="Channel"/> on the Transmit thread: every frame
    /// for it published before this entry has been sealed by then, and any published after finds it disposed.
    /// </summary>
    public bool RetireChannel;
}

/// <summary>
/// The egress ring: any thread seals a frame into a claimed slot and publishes it; the <see cref="TransmitStage"/>
/// drains it in batches. Producers never wait: when the ring is full, <see cref="TryClaim"/> fails and the frame is
/// counted in <see cref="Rejected"/>, so the Apply stage keeps its pace and the sender's back-pressure shows in a
/// counter instead of a stall.
/// </summary>
public sealed class EgressRing
{
    private long _rejected;

    /// <summary>Creates a ring of <paramref name="size"/> entries (a power of two) with <paramref name="slotSize"/>-byte slots.</summary>
    public EgressRing(int size, int slotSize = 1500, IWaitStrategy? waitStrategy = null)
    {
        Ring = RingBuffer<OutboundFrame>.CreateMultiProducer(size, waitStrategy);
        Slab = new ByteSlab(size, slotSize);
    }

    /// <summary>The entries.</summary>
    public RingBuffer<OutboundFrame> Ring { get; }

    /// <summary>The frame bytes, slot per sequence (pinned: sent by the kernel straight from here).</summary>
    public ByteSlab Slab { get; }

    /// <summary>Frames refused because the ring was full (Interlocked: any producer thread).</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>Claims one slot to seal a frame into; false (and counted) when the ring is full.</summary>
    public bool TryClaim(out long sequence)
    {
        if (Ring.TryNext(out sequence))
        {
            return true;
        }

        Interlocked.Increment(ref _rejected);
        return false;
    }

    /// <summary>The slot of a claimed sequence, to write the frame into.</summary>
    public Span<byte> GetSlot(long sequence) => Slab.GetSlot(sequence);

    /// <summary>Sets the frame's length and destination and makes it visible to the Transmit stage.</summary>
    public void Publish(long sequence, int length, RawSocketAddress destination) => Publish(sequence, length, destination, null);

    /// <summary>
    /// Publishes a claimed slot; with a <paramref name="channel"/>, the slot holds a plaintext frame (header,
    /// payload, 16 bytes of room for the tag) that the Transmit stage seals before it sends.
    /// </summary>
    public void Publish(long sequence, int length, RawSocketAddress destination, SecureChannel? channel)
    {
        ref var entry = ref Ring[sequence];
        entry.Length = length;
        entry.Destination = destination;
        entry.Channel = channel;
        entry.RetireChannel = false;
        Ring.Publish(sequence);
    }

    /// <summary>
    /// Queues the disposal of <paramref name="channel"/> behind every frame already published for it; false when
    /// the ring is full (try again later: the channel must not be disposed on another thread meanwhile).
    /// </summary>
    public bool TryRetire(SecureChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (!Ring.TryNext(out var sequence))
        {
            return false;
        }

        ref var entry = ref Ring[sequence];
        entry.Length = 0;
        entry.Destination = default;
        entry.Channel = channel;
        entry.RetireChannel = true;
        Ring.Publish(sequence);
        return true;
    }

    /// <summary>Frames the Transmit stage did not send because sealing failed (keys exhausted, channel retired).</summary>
    public long SealFailures => Volatile.Read(ref _sealFailures);

    private long _sealFailures;

    /// <summary>Counts one frame that failed to seal (Transmit thread only; read anywhere).</summary>
    internal void CountSealFailure() => Interlocked.Increment(ref _sealFailures);

    /// <summary>Copies <paramref name="frame"/> into a slot and publishes it; false when the ring is full or the frame too large.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> frame, RawSocketAddress destination)
    {
        if (frame.Length > Slab.SlotSize)
        {
            Interlocked.Increment(ref _rejected);
            return false;
        }

        if (!TryClaim(out var sequence))
        {
            return false;
        }

        frame.CopyTo(Slab.GetSlot(sequence));
        Publish(sequence, frame.Length, destination);
        return true;
    }
}
