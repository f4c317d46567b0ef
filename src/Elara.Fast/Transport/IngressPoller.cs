using Elara.Fast.Ring;

namespace Elara.Fast.Transport;

/// <summary>Handles one received datagram in place (a struct: the poller calls it directly, no virtual call).</summary>
public interface IReceivedDatagramHandler
{
    /// <summary>One non-empty entry; <paramref name="payload"/> is its slot, valid only during the call.</summary>
    void OnDatagram(ref ReceivedDatagram entry, ReadOnlySpan<byte> payload, long sequence);
}

/// <summary>
/// A consumer of an <see cref="IngressRing"/> driven by its caller's thread instead of a processor thread: tools,
/// tests and the ingress benchmark read the ring with it. Empty entries are stepped over.
/// </summary>
/// <remarks>
/// Its <see cref="Sequence"/> gates the producers, so they never overwrite a slot it has not read; the sequence
/// advances after each handled batch (release store inside <see cref="Ring.Sequence.SetValue"/>).
/// </remarks>
public sealed class IngressPoller
{
    private readonly IngressRing _ring;
    private readonly SequenceBarrier _barrier;

    /// <summary>Creates a poller that starts at the ring's current cursor and gates its producers.</summary>
    public IngressPoller(IngressRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        _ring = ring;
        _barrier = ring.Ring.NewBarrier();
        Sequence = new Sequence(ring.Ring.Cursor);
        ring.Ring.AddGatingSequences(Sequence);
    }

    /// <summary>The last sequence handled.</summary>
    public Sequence Sequence { get; }

    /// <summary>Handles every entry published now, without waiting.</summary>
    /// <returns>Non-empty datagrams handled.</returns>
    public int Poll<THandler>(ref THandler handler)
        where THandler : struct, IReceivedDatagramHandler
    {
        var next = Sequence.Value + 1;
        return Handle(ref handler, next, _barrier.GetAvailable(next));
    }

    /// <summary>Waits with the ring's wait strategy until something is published, then handles all of it.</summary>
    /// <returns>Non-empty datagrams handled (0 when the wait strategy timed out).</returns>
    public int WaitAndPoll<THandler>(ref THandler handler)
        where THandler : struct, IReceivedDatagramHandler
    {
        var next = Sequence.Value + 1;
        return Handle(ref handler, next, _barrier.WaitFor(next));
    }

    private int Handle<THandler>(ref THandler handler, long next, long available)
        where THandler : struct, IReceivedDatagramHandler
    {
        if (available < next)
        {
            return 0;
        }

        var handled = 0;
        var slab = _ring.Slab;
        for (var sequence = next; sequence <= available; sequence++)
        {
            ref var entry = ref _ring.Ring[sequence];
            if (entry.IsEmpty)
            {
                continue;
            }

            handler.OnDatagram(ref entry, slab.GetSlot(sequence)[..entry.Length], sequence);
            handled++;
        }

        Sequence.SetValue(available);
        return handled;
    }
}
