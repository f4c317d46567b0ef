using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Elara.Fast.Transport.Stun;

/// <summary>
/// A validated, zero-copy view of one STUN message (RFC 8489 §5, §14). <see cref="TryParse"/> checks the
/// header and walks every attribute once, so accessors never run past the buffer; hostile input yields a
/// <see cref="StunParseError"/>, never an exception.
/// </summary>
/// <remarks>
/// Lookups (<see cref="TryGetAttribute"/> and the typed accessors) see only attributes before
/// MESSAGE-INTEGRITY / MESSAGE-INTEGRITY-SHA256, since anything after them is unauthenticated and
/// RFC 8489 §14.5 says to ignore it; the enumerator still shows every attribute. For a repeated
/// attribute the first occurrence wins (§14).
/// </remarks>
public readonly ref struct StunMessageReader
{
    /// <summary>Size of the message header.</summary>
    public const int HeaderSize = 20;

    /// <summary>The STUN magic cookie.</summary>
    public const uint MagicCookie = 0x2112A442;

    private readonly ReadOnlySpan<byte> _message;
    private readonly int _integrityOffset;
    private readonly int _integritySha256Offset;
    private readonly int _fingerprintOffset;
    private readonly int _lookupEnd;

    private StunMessageReader(ReadOnlySpan<byte> message, int integrity, int integritySha256, int fingerprint, int lookupEnd)
    {
        _message = message;
        _integrityOffset = integrity;
        _integritySha256Offset = integritySha256;
        _fingerprintOffset = fingerprint;
        _lookupEnd = lookupEnd;
    }

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Message => _message;

    /// <summary>The 14-bit message type.</summary>
    public ushort MessageType => BinaryPrimitives.ReadUInt16BigEndian(_message);

    /// <summary>The method.</summary>
    public StunMethod Method => StunMessageType.MethodOf(MessageType);

    /// <summary>The class.</summary>
    public StunClass Class => StunMessageType.ClassOf(MessageType);

    /// <summary>The transaction id.</summary>
    public StunTransactionId TransactionId => StunTransactionId.Read(_message.Slice(8));

    /// <summary>True when the message carries MESSAGE-INTEGRITY.</summary>
    public bool HasMessageIntegrity => _integrityOffset > 0;

    /// <summary>True when the message carries MESSAGE-INTEGRITY-SHA256.</summary>
    public bool HasMessageIntegritySha256 => _integritySha256Offset > 0;

    /// <summary>True when the message carries FINGERPRINT.</summary>
    public bool HasFingerprint => _fingerprintOffset > 0;

    /// <summary>Validates <paramref name="message"/> as exactly one STUN message.</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out StunMessageReader reader, out StunParseError error)
    {
        reader = default;
        error = ValidateHeader(message);
        if (error != StunParseError.None)
        {
            return false;
        }

        int integrity = 0, integritySha256 = 0, fingerprint = 0, lookupEnd = message.Length;
        var offset = HeaderSize;
        while (offset < message.Length)
        {
            if (fingerprint > 0)
            {
                error = StunParseError.AttributeAfterFingerprint;
                return false;
            }

            if (offset + 4 > message.Length)
            {
                error = StunParseError.AttributeTruncated;
                return false;
            }

            var type = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(message.Slice(offset));
            int length = BinaryPrimitives.ReadUInt16BigEndian(message.Slice(offset + 2));
            var padded = (length + 3) & ~3;
            if (padded > message.Length - offset - 4)
            {
                error = StunParseError.AttributeTruncated;
                return false;
            }

            switch (type)
            {
                case StunAttributeType.MessageIntegrity when integrity == 0:
                    integrity = offset;
                    lookupEnd = Math.Min(lookupEnd, offset);
                    break;
                case StunAttributeType.MessageIntegritySha256 when integritySha256 == 0:
                    integritySha256 = offset;
                    lookupEnd = Math.Min(lookupEnd, offset);
                    break;
                case StunAttributeType.Fingerprint:
                    fingerprint = offset;
                    lookupEnd = Math.Min(lookupEnd, offset);
                    break;
            }

            offset += 4 + padded;
        }

        reader = new StunMessageReader(message, integrity, integritySha256, fingerprint, lookupEnd);
        return true;
    }

    /// <summary>Checks only the 20-byte header against the datagram length (RFC 8489 §5).</summary>
    public static StunParseError ValidateHeader(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderSize)
        {
            return StunParseError.TooShort;
        }

        if ((message[0] & 0xC0) != 0)
        {
            return StunParseError.NotStun;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(message.Slice(4)) != MagicCookie)
        {
            return StunParseError.BadMagicCookie;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(message.Slice(2));
        return (length & 3) != 0 || length + HeaderSize != message.Length ? StunParseError.LengthMismatch : StunParseError.None;
    }

    /// <summary>Every attribute, in order (including any after MESSAGE-INTEGRITY).</summary>
    public StunAttributeEnumerator GetEnumerator() => new(_message);

    /// <summary>The value of the first attribute of <paramref name="type"/> before the integrity attributes.</summary>
    public bool TryGetAttribute(StunAttributeType type, out ReadOnlySpan<byte> value)
    {
        var offset = HeaderSize;
        while (offset < _lookupEnd)
        {
            var t = BinaryPrimitives.ReadUInt16BigEndian(_message.Slice(offset));
            int length = BinaryPrimitives.ReadUInt16BigEndian(_message.Slice(offset + 2));
            if (t == (ushort)type)
            {
                value = _message.Slice(offset + 4, length);
                return true;
            }

            offset += 4 + ((length + 3) & ~3);
        }

        value = default;
        return false;
    }

    /// <summary>Decodes an XOR-obfuscated address attribute: XOR-MAPPED-, XOR-RELAYED- or XOR-PEER-ADDRESS (RFC 8489 §14.2).</summary>
    public bool TryGetXorAddress(StunAttributeType type, out StunAddress address)
    {
        address = default;
        return TryGetAttribute(type, out var value) && TryDecodeAddress(value, _message.Slice(4, 16), out address);
    }

    /// <summary>XOR-MAPPED-ADDRESS.</summary>
    public bool TryGetXorMappedAddress(out StunAddress address) => TryGetXorAddress(StunAttributeType.XorMappedAddress, out address);

    /// <summary>MAPPED-ADDRESS (RFC 8489 §14.1), sent by RFC 3489 servers instead of XOR-MAPPED-ADDRESS.</summary>
    public bool TryGetMappedAddress(out StunAddress address)
    {
        address = default;
        return TryGetAttribute(StunAttributeType.MappedAddress, out var value) && TryDecodeAddress(value, default, out address);
    }

    /// <summary>The reflexive address: XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS when only that is present.</summary>
    public bool TryGetReflexiveAddress(out StunAddress address) => TryGetXorMappedAddress(out address) || TryGetMappedAddress(out address);

    /// <summary>ERROR-CODE: the code (300–699) and the UTF-8 reason phrase (RFC 8489 §14.8).</summary>
    public bool TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason)
    {
        code = 0;
        reason = default;
        if (!TryGetAttribute(StunAttributeType.ErrorCode, out var value) || value.Length < 4)
        {
            return false;
        }

        var @class = value[2] & 0x07;
        var number = value[3];
        if (@class is < 3 or > 6 || number > 99)
        {
            return false;
        }

        code = (@class * 100) + number;
        reason = value.Slice(4);
        return true;
    }

    /// <summary>A 32-bit attribute such as LIFETIME or PRIORITY.</summary>
    public bool TryGetUInt32(StunAttributeType type, out uint result)
    {
        if (TryGetAttribute(type, out var value) && value.Length == 4)
        {
            result = BinaryPrimitives.ReadUInt32BigEndian(value);
            return true;
        }

        result = 0;
        return false;
    }

    /// <summary>CHANNEL-NUMBER (RFC 8656 §18.1); only numbers in 0x4000–0x4FFF are accepted.</summary>
    public bool TryGetChannelNumber(out ushort channel)
    {
        channel = 0;
        if (!TryGetAttribute(StunAttributeType.ChannelNumber, out var value) || value.Length != 4)
        {
            return false;
        }

        var number = BinaryPrimitives.ReadUInt16BigEndian(value);
        if (number is < 0x4000 or > 0x4FFF)
        {
            return false;
        }

        channel = number;
        return true;
    }

    /// <summary>Checks MESSAGE-INTEGRITY (HMAC-SHA1) with <paramref name="key"/> in constant time.</summary>
    public StunIntegrityStatus VerifyMessageIntegrity(ReadOnlySpan<byte> key)
        => VerifyMac(key, _integrityOffset, StunIntegrity.HmacSha1Size, StunIntegrity.HmacSha1Size);

    /// <summary>Checks MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256, possibly truncated to 16..32 bytes, RFC 8489 §14.6).</summary>
    public StunIntegrityStatus VerifyMessageIntegritySha256(ReadOnlySpan<byte> key)
        => VerifyMac(key, _integritySha256Offset, 16, StunIntegrity.HmacSha256Size);

    /// <summary>Checks FINGERPRINT (RFC 8489 §14.7).</summary>
    public StunIntegrityStatus VerifyFingerprint()
    {
        if (_fingerprintOffset == 0)
        {
            return StunIntegrityStatus.Missing;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(_message.Slice(_fingerprintOffset + 2)) != 4)
        {
            return StunIntegrityStatus.Invalid;
        }

        // FINGERPRINT is last, so the header's length already ends after it: no rewrite needed.
        var expected = StunIntegrity.ComputeFingerprint(_message.Slice(0, _fingerprintOffset));
        var actual = BinaryPrimitives.ReadUInt32BigEndian(_message.Slice(_fingerprintOffset + 4));
        return expected == actual ? StunIntegrityStatus.Valid : StunIntegrityStatus.Invalid;
    }

    private StunIntegrityStatus VerifyMac(ReadOnlySpan<byte> key, int offset, int minimumLength, int fullLength)
    {
        if (offset == 0)
        {
            return StunIntegrityStatus.Missing;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(_message.Slice(offset + 2));
        if (length < minimumLength || length > fullLength || (length & 3) != 0)
        {
            return StunIntegrityStatus.Invalid;
        }

        Span<byte> mac = stackalloc byte[fullLength];
        StunIntegrity.ComputeMac(key, _message.Slice(0, offset), offset + 4 + length - HeaderSize, mac);
        return CryptographicOperations.FixedTimeEquals(mac.Slice(0, length), _message.Slice(offset + 4, length))
            ? StunIntegrityStatus.Valid
            : StunIntegrityStatus.Invalid;
    }

    // MAPPED-ADDRESS / XOR-*-ADDRESS value: reserved (1), family (1), port (2), address (4 or 16).
    // For the XOR form the port is xored with the cookie's top 16 bits and the address with the cookie
    // followed by the transaction id (bytes 4..19 of the header); mask is empty for the plain form.
    internal static bool TryDecodeAddress(ReadOnlySpan<byte> value, ReadOnlySpan<byte> mask, out StunAddress address)
    {
        address = default;
        if (value.Length < 4)
        {
            return false;
        }

        var family = value[1];
        var addressLength = family == StunAddress.FamilyIPv4 ? 4 : family == StunAddress.FamilyIPv6 ? 16 : 0;
        if (addressLength == 0 || value.Length != 4 + addressLength)
        {
            return false;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(value.Slice(2));
        Span<byte> bytes = stackalloc byte[16];
        value.Slice(4, addressLength).CopyTo(bytes);
        if (!mask.IsEmpty)
        {
            port ^= (ushort)(MagicCookie >> 16);
            for (var i = 0; i < addressLength; i++)
            {
                bytes[i] ^= mask[i];
            }
        }

        return StunAddress.TryCreate(bytes.Slice(0, addressLength), port, out address);
    }

    /// <summary>Family code for an address (for writers).</summary>
    internal static byte FamilyCode(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? StunAddress.FamilyIPv6 : StunAddress.FamilyIPv4;
}
