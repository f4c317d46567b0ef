namespace Elara.Fast.Transport;

/// <summary>
/// Where a transport lands received datagrams: claimed ring slots in a pinned slab, published in ranges.
/// </summary>
/// <remarks>
/// Implemented by <see cref="IngressRing"/> over the ring's multi-producer sequencer; the transports call it
/// once per batch to claim and publish, and once per datagram for its slot and entry. Claims never block:
/// when the ring is full a transport counts <see cref="DropReason.RingFull"/> and receives into scratch
/// memory instead, so the kernel buffer keeps draining and the freshest datagrams win.
/// </remarks>
public interface IIngressSink
{
    /// <summary>Bytes in one slot: the largest datagram that is kept whole.</summary>
    int SlotSize { get; }

    /// <summary>Claims exactly <paramref name="count"/> consecutive sequences, or none when the ring is full.</summary>
    bool TryClaim(int count, out long first);

    /// <summary>The slot of <paramref name="sequence"/>, for receive calls that take memory.</summary>
    Memory<byte> GetSlotMemory(long sequence);

    /// <summary>The slot's address in the pinned slab, for native batch calls.</summary>
    nint GetSlotAddress(long sequence);

    /// <summary>The entry of <paramref name="sequence"/>, written before it is published.</summary>
    ref ReceivedDatagram GetEntry(long sequence);

    /// <summary>Makes <paramref name="first"/>..<paramref name="last"/> (inclusive) visible to consumers.</summary>
    void Publish(long first, long last);
}

/// <summary>The once-only attach of a transport to its sink, shared by every implementation.</summary>
internal static class IngressSinkSlot
{
    /// <summary>Stores <paramref name="sink"/> in <paramref name="slot"/>; throws when a sink is already there.</summary>
    public static IIngressSink Attach(ref IIngressSink? slot, IIngressSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (Interlocked.CompareExchange(ref slot, sink, null) is not null)
        {
            Primitives.ThrowHelper.ThrowInvalidOperation("The transport is already started.");
        }

        return sink;
    }
}
