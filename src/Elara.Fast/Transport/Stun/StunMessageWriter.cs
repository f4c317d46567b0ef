using System.Buffers.Binary;
using System.Text;

namespace Elara.Fast.Transport.Stun;

/// <summary>
/// Builds one STUN message in place in a caller's buffer (RFC 8489 §5, §14): a header, then attributes
/// padded to 4 bytes, optionally closed by MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
/// in that order. The header's length is kept current after every attribute.
/// </summary>
/// <remarks>
/// Running out of buffer does not throw: the attribute is not written, <see cref="HasOverflowed"/>
/// becomes true and stays true, and <see cref="TryGetMessage"/> fails, so a caller checks once at the end.
/// </remarks>
public ref struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _length;
    private bool _overflowed;

    /// <summary>Starts a message of <paramref name="method"/> and <paramref name="class"/> in <paramref name="buffer"/>.</summary>
    public StunMessageWriter(Span<byte> buffer, StunMethod method, StunClass @class, StunTransactionId transactionId)
        : this(buffer, StunMessageType.Encode(method, @class), transactionId)
    {
    }

    /// <summary>Starts a message with a raw 14-bit <paramref name="messageType"/>.</summary>
    public StunMessageWriter(Span<byte> buffer, ushort messageType, StunTransactionId transactionId)
    {
        _buffer = buffer;
        if (buffer.Length < StunMessageReader.HeaderSize || messageType > 0x3FFF)
        {
            _overflowed = true;
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer, messageType);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(2), 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(4), StunMessageReader.MagicCookie);
        transactionId.WriteTo(buffer.Slice(8));
        _length = StunMessageReader.HeaderSize;
    }

    /// <summary>Bytes written so far, header included.</summary>
    public readonly int Length => _length;

    /// <summary>True once an attribute did not fit (or the buffer could not hold the header).</summary>
    public readonly bool HasOverflowed => _overflowed;

    /// <summary>The finished message, unless something did not fit.</summary>
    public readonly bool TryGetMessage(out Span<byte> message)
    {
        message = _overflowed ? default : _buffer.Slice(0, _length);
        return !_overflowed;
    }

    /// <summary>Appends an attribute with <paramref name="value"/> (padded with zeros to a multiple of 4).</summary>
    public bool AddAttribute(StunAttributeType type, ReadOnlySpan<byte> value)
    {
        if (!TryReserve(type, value.Length, out var destination))
        {
            return false;
        }

        value.CopyTo(destination);
        return true;
    }

    /// <summary>Appends an attribute whose value is <paramref name="text"/> in UTF-8 (USERNAME, REALM, NONCE, SOFTWARE).</summary>
    public bool AddUtf8(StunAttributeType type, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var byteCount = Encoding.UTF8.GetByteCount(text);
        if (!TryReserve(type, byteCount, out var destination))
        {
            return false;
        }

        Encoding.UTF8.GetBytes(text, destination);
        return true;
    }

    /// <summary>Appends a 32-bit attribute (LIFETIME, PRIORITY).</summary>
    public bool AddUInt32(StunAttributeType type, uint value)
    {
        if (!TryReserve(type, 4, out var destination))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, value);
        return true;
    }

    /// <summary>Appends CHANNEL-NUMBER (RFC 8656 §18.1).</summary>
    public bool AddChannelNumber(ushort channel)
    {
        if (!TryReserve(StunAttributeType.ChannelNumber, 4, out var destination))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, channel);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), 0);
        return true;
    }

    /// <summary>Appends REQUESTED-TRANSPORT (RFC 8656 §18.7); 17 is UDP.</summary>
    public bool AddRequestedTransport(byte protocol)
    {
        if (!TryReserve(StunAttributeType.RequestedTransport, 4, out var destination))
        {
            return false;
        }

        destination[0] = protocol;
        destination.Slice(1, 3).Clear();
        return true;
    }

    /// <summary>Appends ERROR-CODE with <paramref name="code"/> (300–699) and a reason phrase.</summary>
    public bool AddErrorCode(int code, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (code is < 300 or > 699)
        {
            _overflowed = true;
            return false;
        }

        var byteCount = Encoding.UTF8.GetByteCount(reason);
        if (!TryReserve(StunAttributeType.ErrorCode, 4 + byteCount, out var destination))
        {
            return false;
        }

        destination[0] = 0;
        destination[1] = 0;
        destination[2] = (byte)(code / 100);
        destination[3] = (byte)(code % 100);
        Encoding.UTF8.GetBytes(reason, destination.Slice(4));
        return true;
    }

    /// <summary>Appends an XOR-obfuscated address: XOR-MAPPED-, XOR-RELAYED- or XOR-PEER-ADDRESS.</summary>
    public bool AddXorAddress(StunAttributeType type, StunAddress address) => AddAddress(type, address, xor: true);

    /// <summary>Appends a plain MAPPED-ADDRESS.</summary>
    public bool AddMappedAddress(StunAddress address) => AddAddress(StunAttributeType.MappedAddress, address, xor: false);

    /// <summary>Appends MESSAGE-INTEGRITY, HMAC-SHA1 keyed by <paramref name="key"/> (RFC 8489 §14.5).</summary>
    public bool AddMessageIntegrity(ReadOnlySpan<byte> key) => AddMac(StunAttributeType.MessageIntegrity, key, StunIntegrity.HmacSha1Size);

    /// <summary>Appends MESSAGE-INTEGRITY-SHA256, the full 32-byte HMAC-SHA256 (RFC 8489 §14.6).</summary>
    public bool AddMessageIntegritySha256(ReadOnlySpan<byte> key) => AddMac(StunAttributeType.MessageIntegritySha256, key, StunIntegrity.HmacSha256Size);

    /// <summary>Appends FINGERPRINT; it must be the last attribute (RFC 8489 §14.7).</summary>
    public bool AddFingerprint()
    {
        var start = _length;
        if (!TryReserve(StunAttributeType.Fingerprint, 4, out var destination))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, StunIntegrity.ComputeFingerprint(_buffer.Slice(0, start)));
        return true;
    }

    private bool AddMac(StunAttributeType type, ReadOnlySpan<byte> key, int size)
    {
        var start = _length;
        if (!TryReserve(type, size, out var destination))
        {
            return false;
        }

        StunIntegrity.ComputeMac(key, _buffer.Slice(0, start), _length - StunMessageReader.HeaderSize, destination);
        return true;
    }

    private bool AddAddress(StunAttributeType type, StunAddress address, bool xor)
    {
        var addressLength = address.AddressLength;
        if (addressLength == 0)
        {
            _overflowed = true;
            return false;
        }

        if (!TryReserve(type, 4 + addressLength, out var destination))
        {
            return false;
        }

        destination[0] = 0;
        destination[1] = StunMessageReader.FamilyCode(address.Family);
        var port = address.Port;
        var bytes = destination.Slice(4, addressLength);
        address.WriteAddressBytes(bytes);
        if (xor)
        {
            port ^= (ushort)(StunMessageReader.MagicCookie >> 16);
            var mask = _buffer.Slice(4, 16);
            for (var i = 0; i < addressLength; i++)
            {
                bytes[i] ^= mask[i];
            }
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), port);
        return true;
    }

    // Writes the attribute header and zero padding, advances the length, and hands back the value area.
    private bool TryReserve(StunAttributeType type, int valueLength, out Span<byte> value)
    {
        var padded = (valueLength + 3) & ~3;
        if (_overflowed || valueLength > ushort.MaxValue || _length + 4 + padded > _buffer.Length
            || _length + 4 + padded - StunMessageReader.HeaderSize > ushort.MaxValue)
        {
            _overflowed = true;
            value = default;
            return false;
        }

        var attribute = _buffer.Slice(_length, 4 + padded);
        BinaryPrimitives.WriteUInt16BigEndian(attribute, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(attribute.Slice(2), (ushort)valueLength);
        attribute.Slice(4 + valueLength).Clear();
        _length += 4 + padded;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(2), (ushort)(_length - StunMessageReader.HeaderSize));
        value = attribute.Slice(4, valueLength);
        return true;
    }
}
