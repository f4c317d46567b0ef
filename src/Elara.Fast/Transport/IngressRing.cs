using Elara.Fast.Ring;

namespace Elara.Fast.Transport;

/// <summary>
/// The ingress ring: a multi-producer <see cref="RingBuffer{T}"/> of <see cref="ReceivedDatagram"/> entries and a
/// pinned <see cref="ByteSlab"/> of the same size whose slot <c>n</c> holds the bytes of entry <c>n</c>.
/// </summary>
/// <remarks>
/// Multi-producer because several receive threads (one per <c>SO_REUSEPORT</c> socket) or socket completions on
/// pool threads claim at once. Consumers are ring processors over <see cref="Ring"/>; they skip entries whose
/// <see cref="ReceivedDatagram.IsEmpty"/> is true and read the bytes with <see cref="GetPayload"/>.
/// </remarks>
public sealed class IngressRing : IIngressSink
{
    /// <summary>Creates a ring of <paramref name="size"/> entries (a power of two) with <paramref name="slotSize"/>-byte slots.</summary>
    /// <param name="size">Entries and slots: a power of two.</param>
    /// <param name="slotSize">Bytes per slot: the largest datagram kept (1500 covers an Ethernet MTU).</param>
    /// <param name="waitStrategy">How consumers wait; <see langword="null"/>: the ring's backoff default.</param>
    public IngressRing(int size, int slotSize = 1500, IWaitStrategy? waitStrategy = null)
    {
        Ring = RingBuffer<ReceivedDatagram>.CreateMultiProducer(size, waitStrategy);
        Slab = new ByteSlab(size, slotSize);
    }

    /// <summary>The entries, for wiring consumers.</summary>
    public RingBuffer<ReceivedDatagram> Ring { get; }

    /// <summary>The bytes, slot per sequence.</summary>
    public ByteSlab Slab { get; }

    /// <inheritdoc/>
    public int SlotSize => Slab.SlotSize;

    /// <inheritdoc/>
    public bool TryClaim(int count, out long first)
    {
        if (Ring.TryNext(count, out var last))
        {
            first = last - count + 1;
            return true;
        }

        first = 0;
        return false;
    }

    /// <inheritdoc/>
    public Memory<byte> GetSlotMemory(long sequence) => Slab.GetSlotMemory(sequence);

    /// <inheritdoc/>
    public unsafe nint GetSlotAddress(long sequence) => (nint)Slab.GetSlotPointer(sequence);

    /// <inheritdoc/>
    public ref ReceivedDatagram GetEntry(long sequence) => ref Ring[sequence];

    /// <inheritdoc/>
    public void Publish(long first, long last) => Ring.Publish(first, last);

    /// <summary>The received bytes of <paramref name="sequence"/> (empty for an empty entry).</summary>
    public ReadOnlySpan<byte> GetPayload(long sequence) => Slab.GetSlot(sequence)[..Ring[sequence].Length];
}
