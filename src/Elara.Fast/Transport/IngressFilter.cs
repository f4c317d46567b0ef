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
}
