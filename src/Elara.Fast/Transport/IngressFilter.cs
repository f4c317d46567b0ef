using System.Runtime.CompilerServices;

namespace Elara.Fast.Transport;

/// <summary>
/// The per-datagram admission check every transport applies before publishing a slot: whole, long enough,
/// and something the node speaks (ELARA, STUN or TURN ChannelData, told by <see cref="DatagramClassifier"/>).
/// </summary>
internal static class IngressFilter
{
    /// <summary>Decides whether a received datagram is kept; on false, <paramref name="reason"/> says why.</summary>
    /// <param name="datagram">The bytes received (at most a slot).</param>
    /// <param name="truncated">The kernel cut it to fit the slot (<c>MSG_TRUNC</c>) or it was longer than the slot.</param>
    /// <param name="kind">What it carries, when kept.</param>
    /// <param name="reason">Why it is dropped, when not kept.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryAccept(ReadOnlySpan<byte> datagram, bool truncated, out DatagramKind kind, out DropReason reason)
    {
        if (truncated)
        {
            kind = DatagramKind.Unknown;
            reason = DropReason.TooLarge;
            return false;
        }

        kind = DatagramClassifier.Classify(datagram);
        if (kind != DatagramKind.Unknown)
        {
            reason = default;
            return true;
        }

        reason = datagram.Length < DatagramClassifier.ChannelDataHeaderSize ? DropReason.TooShort : DropReason.NotElaraOrStun;
        return false;
    }

    /// <summary>
    /// Lands a datagram held outside the ring (scratch memory, the in-memory network): admits it, claims a slot
    /// and copies it there. The caller writes the entry and publishes.
    /// </summary>
    /// <param name="sink">The ring.</param>
    /// <param name="counters">Where a drop is counted (by reason, or <see cref="DropReason.RingFull"/>).</param>
    /// <param name="datagram">The whole datagram as received.</param>
    /// <param name="truncated">The socket cut it short.</param>
    /// <param name="kind">What it carries, when landed.</param>
    /// <returns>The claimed sequence, or -1 when the datagram was dropped (and counted).</returns>
    public static long ClaimAndCopy(IIngressSink sink, TransportCounters counters, ReadOnlySpan<byte> datagram, bool truncated, out DatagramKind kind)
    {
        truncated |= datagram.Length > sink.SlotSize;
        if (!TryAccept(truncated ? default : datagram, truncated, out kind, out var reason))
        {
            counters.AddDropped(reason);
            return -1;
        }

        if (!sink.TryClaim(1, out var sequence))
        {
            counters.AddDropped(DropReason.RingFull);
            return -1;
        }

        datagram.CopyTo(sink.GetSlotMemory(sequence).Span);
        return sequence;
    }
}
