using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Elara.Fast.Transport;

/// <summary>
/// Demultiplexes the node's one UDP socket between ELARA frames, STUN messages and TURN ChannelData
/// by the first bytes of the datagram, before anything reaches the ring.
/// </summary>
/// <remarks>
/// RFC 7983 §7 splits the first byte into ranges: 0–3 STUN, 64–79 TURN channels. An ELARA v0 frame
/// starts with <c>version &lt;&lt; 4 | suite</c> = 0x00 or 0x01, inside the STUN range, so byte 0 alone
/// cannot decide. A STUN message is therefore recognised by everything RFC 8489 §5 fixes: the top two
/// bits zero, the magic cookie at bytes 4..7, and a big-endian length at bytes 2..3 that is a multiple
/// of 4 and accounts for the whole datagram. An ELARA frame puts its little-endian header length
/// (≥ 30) at bytes 2..3 and random session-id bytes at 4..7, so for it to be taken as STUN the session
/// id must carry the cookie and the header length field must also read, big-endian, as the datagram
/// length minus 20; both at once is a 2^-32 × 2^-16 accident, and such a frame fails its own header
/// check anyway. Everything here is branch-light and allocation-free; it runs once per datagram.
/// </remarks>
public static class DatagramClassifier
{
    /// <summary>The STUN magic cookie, bytes 4..7 of every STUN message (RFC 8489 §5).</summary>
    public const uint StunMagicCookie = 0x2112A442;

    /// <summary>Size of the STUN message header (RFC 8489 §5).</summary>
    public const int StunHeaderSize = 20;

    /// <summary>Size of the ChannelData header: channel number and length (RFC 8656 §12.4).</summary>
    public const int ChannelDataHeaderSize = 4;

    /// <summary>Smallest ELARA frame: 30-byte fixed header plus 16-byte tag (WIRE.md).</summary>
    public const int MinimumElaraFrameSize = 46;

    /// <summary>Decides what <paramref name="datagram"/> carries.</summary>
    /// <param name="datagram">One whole received datagram.</param>
    /// <returns>The kind; <see cref="DatagramKind.Unknown"/> for anything too short or malformed.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DatagramKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < ChannelDataHeaderSize)
        {
            return DatagramKind.Unknown;
        }

        var first = datagram[0];
        if (first < 0x40)
        {
            if (IsStun(datagram))
            {
                return DatagramKind.Stun;
            }

            // Version nibble 0; the suite is checked by the frame reader, which rejects unknown suites.
            return first < 0x10 && datagram.Length >= MinimumElaraFrameSize ? DatagramKind.Elara : DatagramKind.Unknown;
        }

        if (first < 0x50)
        {
            // Channel numbers 0x4000–0x4FFF (RFC 8656 §12). Over UDP the padding to 4 bytes MAY be
            // present (§12.5), so the datagram may be longer than header + length, never shorter.
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(2));
            return length + ChannelDataHeaderSize <= datagram.Length ? DatagramKind.ChannelData : DatagramKind.Unknown;
        }

        return DatagramKind.Unknown;
    }

    /// <summary>True when <paramref name="datagram"/> has the exact shape of one STUN message (RFC 8489 §5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsStun(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < StunHeaderSize || (datagram[0] & 0xC0) != 0)
        {
            return false;
        }

        // Non-short-circuit '&': on an ELARA frame these bytes are random, so each condition alone is
        // an unpredictable branch; combined, the JIT evaluates them without branching.
        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(2));
        return ((length & 3) == 0)
            & (length + StunHeaderSize == datagram.Length)
            & (BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(4)) == StunMagicCookie);
    }
}
