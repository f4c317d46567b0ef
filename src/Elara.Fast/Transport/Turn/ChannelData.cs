using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Elara.Fast.Transport.Turn;

/// <summary>
/// TURN ChannelData framing (RFC 8656 §12.4): channel number (2, 0x4000–0x4FFF), length (2, of the
/// application data, padding excluded), the data, then zero padding to a multiple of 4. Padding is
/// optional over UDP and mandatory over TCP (§12.5); this writer pads when asked, the reader accepts
/// either. 4 bytes of overhead against 36 for a Send indication.
/// </summary>
public static class ChannelData
{
    /// <summary>Size of the header.</summary>
    public const int HeaderSize = 4;

    /// <summary>Lowest channel number (RFC 8656 §12).</summary>
    public const ushort FirstChannel = 0x4000;

    /// <summary>Highest channel number.</summary>
    public const ushort LastChannel = 0x4FFF;

    /// <summary>Largest application payload the 16-bit length field can carry.</summary>
    public const int MaxPayload = ushort.MaxValue;

    /// <summary>The size of a ChannelData message carrying <paramref name="payloadLength"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetMessageLength(int payloadLength, bool pad) => HeaderSize + (pad ? (payloadLength + 3) & ~3 : payloadLength);

    /// <summary>True for a channel number a ChannelBind may use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsValidChannel(ushort channel) => channel is >= FirstChannel and <= LastChannel;

    /// <summary>Frames <paramref name="payload"/> for <paramref name="channel"/> into <paramref name="destination"/>.</summary>
    /// <returns>False (nothing written) when the channel is out of range, the payload too large, or the destination too small.</returns>
    public static bool TryWrite(Span<byte> destination, ushort channel, ReadOnlySpan<byte> payload, bool pad, out int written)
    {
        written = GetMessageLength(payload.Length, pad);
        if (!IsValidChannel(channel) || payload.Length > MaxPayload || destination.Length < written)
        {
            written = 0;
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, channel);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), (ushort)payload.Length);
        payload.CopyTo(destination.Slice(HeaderSize));
        destination.Slice(HeaderSize + payload.Length, written - HeaderSize - payload.Length).Clear();
        return true;
    }

    /// <summary>Writes only the header, for a payload already placed at <c>destination[4..]</c> (zero copy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryWriteHeader(Span<byte> destination, ushort channel, int payloadLength)
    {
        if (!IsValidChannel(channel) || (uint)payloadLength > MaxPayload || destination.Length < HeaderSize)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, channel);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), (ushort)payloadLength);
        return true;
    }

    /// <summary>Unframes a received ChannelData message; trailing padding is ignored.</summary>
    /// <returns>False when the channel number is out of range or the length runs past the datagram.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ReadOnlySpan<byte> datagram, out ushort channel, out ReadOnlySpan<byte> payload)
    {
        if (datagram.Length >= HeaderSize)
        {
            channel = BinaryPrimitives.ReadUInt16BigEndian(datagram);
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(2));
            if (IsValidChannel(channel) && length <= datagram.Length - HeaderSize)
            {
                payload = datagram.Slice(HeaderSize, length);
                return true;
            }
        }

        channel = 0;
        payload = default;
        return false;
    }
}
