using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Elara.Fast.Transport.Stun;

namespace Elara.Fast.Tests.Transport.Stun;

public sealed class StunMessageCodecTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a shared secret");

    private static byte[] Header(int bodyLength, ushort type = 0x0001)
    {
        var message = new byte[20 + bodyLength];
        BinaryPrimitives.WriteUInt16BigEndian(message, type);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)bodyLength);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), 0x2112A442);
        return message;
    }

    [Theory]
    [InlineData(StunMethod.Binding, StunClass.Request, 0x0001)]
    [InlineData(StunMethod.Binding, StunClass.SuccessResponse, 0x0101)]
    [InlineData(StunMethod.Binding, StunClass.ErrorResponse, 0x0111)]
    [InlineData(StunMethod.Allocate, StunClass.Request, 0x0003)]
    [InlineData(StunMethod.Allocate, StunClass.ErrorResponse, 0x0113)]
    [InlineData(StunMethod.Send, StunClass.Indication, 0x0016)]
    [InlineData(StunMethod.Data, StunClass.Indication, 0x0017)]
    [InlineData(StunMethod.ChannelBind, StunClass.SuccessResponse, 0x0109)]
    public void Message_types_match_the_rfc_encoding(StunMethod method, StunClass @class, int expected)
    {
        // Values from RFC 8489 §5 (0x0001, 0x0101, 0x0111) and RFC 8656 §17 (0x0003 …, 0x0016, 0x0017).
        Assert.Equal(expected, StunMessageType.Encode(method, @class));
        Assert.Equal(method, StunMessageType.MethodOf((ushort)expected));
        Assert.Equal(@class, StunMessageType.ClassOf((ushort)expected));
    }

    [Fact]
    public void An_attribute_running_past_the_message_is_a_typed_error()
    {
        var message = Header(8);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(20), 0x8022);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(22), 5);   // 5 + 3 padding > 4 left
        Assert.False(StunMessageReader.TryParse(message, out _, out var error));
        Assert.Equal(StunParseError.AttributeTruncated, error);
    }

    [Fact]
    public void An_attribute_after_fingerprint_is_a_typed_error()
    {
        var message = Header(16);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(20), 0x8028);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(22), 4);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(28), 0x8022);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(30), 4);
        Assert.False(StunMessageReader.TryParse(message, out _, out var error));
        Assert.Equal(StunParseError.AttributeAfterFingerprint, error);
    }

    [Theory]
    [InlineData(0, StunParseError.TooShort)]
    [InlineData(19, StunParseError.TooShort)]
    public void Short_input_is_too_short(int length, StunParseError expected)
    {
        Assert.False(StunMessageReader.TryParse(new byte[length], out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Header_errors_are_named()
    {
        var message = Header(0);
        message[0] = 0x80;
        Assert.Equal(StunParseError.NotStun, StunMessageReader.ValidateHeader(message));
        message = Header(0);
        message[5] = 0;
        Assert.Equal(StunParseError.BadMagicCookie, StunMessageReader.ValidateHeader(message));
        message = Header(4);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), 8);
        Assert.Equal(StunParseError.LengthMismatch, StunMessageReader.ValidateHeader(message));
    }

    [Fact]
    public void Malformed_attribute_values_are_refused_by_the_typed_accessors()
    {
        var buffer = new byte[200];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.SuccessResponse, StunTransactionId.NewId());
        writer.AddAttribute(StunAttributeType.XorMappedAddress, [0, 1, 2]);          // too short
        writer.AddAttribute(StunAttributeType.MappedAddress, [0, 3, 0, 1, 1, 2, 3, 4]); // family 3
        writer.AddAttribute(StunAttributeType.ErrorCode, [0, 0, 7, 1]);               // class 7
        writer.AddAttribute(StunAttributeType.Lifetime, [0, 0, 1]);                   // 3 bytes
        writer.AddChannelNumber(0x3FFF);                                              // out of range
        writer.AddAttribute(StunAttributeType.MessageIntegrity, new byte[12]);        // wrong MAC size
        Assert.True(writer.TryGetMessage(out var message));
        Assert.True(StunMessageReader.TryParse(message, out var reader, out _));
        Assert.False(reader.TryGetXorMappedAddress(out _));
        Assert.False(reader.TryGetMappedAddress(out _));
        Assert.False(reader.TryGetErrorCode(out _, out _));
        Assert.False(reader.TryGetUInt32(StunAttributeType.Lifetime, out _));
        Assert.False(reader.TryGetChannelNumber(out _));
        Assert.Equal(StunIntegrityStatus.Invalid, reader.VerifyMessageIntegrity(Key));
        Assert.Equal(StunIntegrityStatus.Missing, reader.VerifyMessageIntegritySha256(Key));
        Assert.Equal(StunIntegrityStatus.Missing, reader.VerifyFingerprint());
    }

    [Fact]
    public void Attributes_after_message_integrity_are_ignored_by_lookups()
    {
        var buffer = new byte[200];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.SuccessResponse, StunTransactionId.NewId());
        writer.AddMessageIntegrity(Key);
        writer.AddUtf8(StunAttributeType.Software, "injected");
        Assert.True(writer.TryGetMessage(out var message));
        Assert.True(StunMessageReader.TryParse(message, out var reader, out _));
        Assert.False(reader.TryGetAttribute(StunAttributeType.Software, out _));
        Assert.Equal(StunIntegrityStatus.Valid, reader.VerifyMessageIntegrity(Key));
    }

    [Fact]
    public void Integrity_sha256_and_sha1_and_fingerprint_all_verify_together()
    {
        var buffer = new byte[200];
        var writer = new StunMessageWriter(buffer, StunMethod.Allocate, StunClass.Request, StunTransactionId.NewId());
        writer.AddRequestedTransport(17);
        writer.AddMessageIntegrity(Key);
        writer.AddMessageIntegritySha256(Key);
        writer.AddFingerprint();
        Assert.True(writer.TryGetMessage(out var message));
        Assert.True(StunMessageReader.TryParse(message, out var reader, out _));
        Assert.Equal(StunIntegrityStatus.Valid, reader.VerifyMessageIntegrity(Key));
        Assert.Equal(StunIntegrityStatus.Valid, reader.VerifyMessageIntegritySha256(Key));
        Assert.Equal(StunIntegrityStatus.Valid, reader.VerifyFingerprint());
        Assert.Equal(StunIntegrityStatus.Invalid, reader.VerifyMessageIntegritySha256("other"u8));
    }

    [Fact]
    public void The_long_term_key_is_md5_of_user_realm_password()
    {
        // RFC 8489 §9.2.2; MD5("user:realm:pass") = 8493fbc53ba582fb4c044c456bdc40eb (md5sum).
        Span<byte> key = stackalloc byte[16];
        StunIntegrity.DeriveLongTermKey("user", "realm", "pass", key);
        Assert.Equal("8493fbc53ba582fb4c044c456bdc40eb", Convert.ToHexStringLower(key));
    }

    [Theory]
    [InlineData("192.0.2.1", 32853)]
    [InlineData("2001:db8:1234:5678:11:2233:4455:6677", 32853)]
    [InlineData("127.0.0.1", 1)]
    public void Xor_addresses_round_trip(string ip, int port)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(ip), port);
        var buffer = new byte[100];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.SuccessResponse, StunTransactionId.NewId());
        writer.AddXorAddress(StunAttributeType.XorMappedAddress, StunAddress.FromIPEndPoint(endPoint));
        writer.AddMappedAddress(StunAddress.FromIPEndPoint(endPoint));
        Assert.True(writer.TryGetMessage(out var message));
        Assert.True(StunMessageReader.TryParse(message, out var reader, out _));
        Assert.True(reader.TryGetXorMappedAddress(out var xor));
        Assert.True(reader.TryGetMappedAddress(out var plain));
        Assert.Equal(endPoint, xor.ToIPEndPoint());
        Assert.Equal(endPoint, plain.ToIPEndPoint());
        Assert.Equal(endPoint.AddressFamily == AddressFamily.InterNetwork ? 4 : 16, xor.AddressLength);
    }

    [Fact]
    public void The_rfc5769_ipv6_response_address_decodes()
    {
        // RFC 5769 §2.3: XOR-MAPPED-ADDRESS 2001:db8:1234:5678:11:2233:4455:6677 port 32853, with the
        // transaction id b7e7a701bc34d686fa87dfae; the attribute bytes are copied from the RFC.
        var message = Header(24, 0x0101);
        Convert.FromHexString("b7e7a701bc34d686fa87dfae").CopyTo(message, 8);
        Convert.FromHexString("002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9").CopyTo(message, 20);
        Assert.True(StunMessageReader.TryParse(message, out var reader, out _));
        Assert.True(reader.TryGetXorMappedAddress(out var address));
        Assert.Equal(IPEndPoint.Parse("[2001:db8:1234:5678:11:2233:4455:6677]:32853"), address.ToIPEndPoint());
    }

    [Fact]
    public void Error_code_round_trips()
    {
        var buffer = new byte[100];
        var writer = new StunMessageWriter(buffer, StunMethod.Allocate, StunClass.ErrorResponse, StunTransactionId.NewId());
        writer.AddErrorCode(438, "Stale Nonce");
        Assert.True(writer.TryGetMessage(out var message));
        Assert.True(StunMessageReader.TryParse(message, out var reader, out _));
        Assert.True(reader.TryGetErrorCode(out var code, out var reason));
        Assert.Equal(438, code);
        Assert.Equal("Stale Nonce", Encoding.UTF8.GetString(reason));
    }

    [Fact]
    public void A_writer_that_runs_out_of_room_says_so_and_writes_nothing_past_the_buffer()
    {
        var buffer = new byte[40];
        var writer = new StunMessageWriter(buffer.AsSpan(0, 30), StunMethod.Binding, StunClass.Request, StunTransactionId.NewId());
        Assert.True(writer.AddUInt32(StunAttributeType.Lifetime, 1));
        Assert.False(writer.AddUInt32(StunAttributeType.Lifetime, 2));
        Assert.True(writer.HasOverflowed);
        Assert.False(writer.TryGetMessage(out _));
        Assert.All(buffer.AsSpan(30).ToArray(), b => Assert.Equal(0, b));
        Assert.False(new StunMessageWriter(new byte[19], StunMethod.Binding, StunClass.Request, default).TryGetMessage(out _));
    }

    [Fact]
    public void The_hand_built_hmac_matches_the_bcl_hmac_bit_for_bit()
    {
        // Keys longer than the 64-byte block are hashed first (RFC 2104); messages cross the stack limit.
        Gen.Select(Gen.Byte.Array[0, 100], Gen.Int[0, 2000].SelectMany(n => Gen.Byte.Array[4 + (n & ~3)]), Gen.Bool).Sample((key, message, sha1) =>
        {
            var length = message.Length - 20 + 24;
            var mac = new byte[sha1 ? 20 : 32];
            StunIntegrity.ComputeMac(key, message, length, mac);

            var patched = (byte[])message.Clone();
            BinaryPrimitives.WriteUInt16BigEndian(patched.AsSpan(2), (ushort)length);
#pragma warning disable CA5350
            var expected = sha1 ? HMACSHA1.HashData(key, patched) : HMACSHA256.HashData(key, patched);
#pragma warning restore CA5350
            Assert.Equal(expected, mac);
        }, iter: 1_000);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Gen.Byte.Array[0, 600].Sample(bytes =>
        {
            Exercise(bytes);
        }, iter: 20_000);
    }

    [Fact]
    public void Random_bodies_behind_a_valid_header_never_throw()
    {
        // A valid header so the attribute walk and the accessors see hostile bodies, not just bad headers.
        Gen.Int[0, 100].SelectMany(words => Gen.Byte.Array[words * 4]).Sample(body =>
        {
            var message = Header(body.Length, 0x0101);
            body.CopyTo(message, 20);
            Exercise(message);
        }, iter: 20_000);
    }

    [Fact]
    public void Random_attribute_lists_round_trip_and_verify()
    {
        var genAttribute = Gen.Select(
            Gen.UShort.Where(t => t is not (0x0008 or 0x001C or 0x8028)),
            Gen.Byte.Array[0, 64],
            (type, value) => (Type: type, Value: value));
        Gen.Select(genAttribute.Array[0, 12], Gen.Bool, Gen.Bool).Sample((attributes, integrity, fingerprint) =>
        {
            var buffer = new byte[2048];
            var id = StunTransactionId.NewId();
            var writer = new StunMessageWriter(buffer, StunMethod.Refresh, StunClass.Request, id);
            foreach (var (type, value) in attributes)
            {
                Assert.True(writer.AddAttribute((StunAttributeType)type, value));
            }

            if (integrity)
            {
                writer.AddMessageIntegrity(Key);
            }

            if (fingerprint)
            {
                writer.AddFingerprint();
            }

            Assert.True(writer.TryGetMessage(out var message));
            Assert.True(StunMessageReader.TryParse(message, out var reader, out var error), error.ToString());
            Assert.Equal(id, reader.TransactionId);
            Assert.Equal(StunMethod.Refresh, reader.Method);
            var i = 0;
            foreach (var attribute in reader)
            {
                if (i < attributes.Length)
                {
                    Assert.Equal(attributes[i].Type, attribute.Type);
                    Assert.Equal(attributes[i].Value, attribute.Value.ToArray());
                }

                i++;
            }

            Assert.Equal(attributes.Length + (integrity ? 1 : 0) + (fingerprint ? 1 : 0), i);
            Assert.Equal(integrity ? StunIntegrityStatus.Valid : StunIntegrityStatus.Missing, reader.VerifyMessageIntegrity(Key));
            Assert.Equal(fingerprint ? StunIntegrityStatus.Valid : StunIntegrityStatus.Missing, reader.VerifyFingerprint());
        }, iter: 2_000);
    }

    [Fact]
    public void Parse_enumerate_and_verify_do_not_allocate()
    {
        var message = StunVectors.Response.Message;
        var key = Encoding.UTF8.GetBytes(StunVectors.Response.Password);
        var sum = 0;
        for (var i = 0; i < 5_000; i++)
        {
            sum += ParseAndVerify(message, key);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            sum += ParseAndVerify(message, key);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(15_000 * 32853, sum);
    }

    [Fact]
    public void Writing_a_message_with_integrity_and_fingerprint_does_not_allocate()
    {
        var buffer = new byte[256];
        var peer = StunAddress.FromIPEndPoint(IPEndPoint.Parse("192.0.2.1:32853"));
        var total = 0;
        for (var i = 0; i < 5_000; i++)
        {
            total += Write(buffer, peer);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            total += Write(buffer, peer);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(15_000 * 76, total);   // 20 header + 12 XOR-PEER-ADDRESS + 12 DATA + 24 MI + 8 FINGERPRINT
    }

    private static int Write(byte[] buffer, StunAddress peer)
    {
        var writer = new StunMessageWriter(buffer, StunMethod.Send, StunClass.Indication, default);
        writer.AddXorAddress(StunAttributeType.XorPeerAddress, peer);
        writer.AddAttribute(StunAttributeType.Data, "payload"u8);
        writer.AddMessageIntegrity(Key);
        writer.AddFingerprint();
        return writer.Length;
    }

    private static int ParseAndVerify(byte[] message, byte[] key)
    {
        if (!StunMessageReader.TryParse(message, out var reader, out _)
            || reader.VerifyMessageIntegrity(key) != StunIntegrityStatus.Valid
            || reader.VerifyFingerprint() != StunIntegrityStatus.Valid
            || !reader.TryGetXorMappedAddress(out var address))
        {
            return 0;
        }

        foreach (var attribute in reader)
        {
            _ = attribute.Value.Length;
        }

        return address.Port;
    }

    private static void Exercise(byte[] bytes)
    {
        if (!StunMessageReader.TryParse(bytes, out var reader, out var error))
        {
            Assert.NotEqual(StunParseError.None, error);
            return;
        }

        foreach (var attribute in reader)
        {
            Assert.True(attribute.Offset + 4 + attribute.Value.Length <= bytes.Length);
        }

        reader.TryGetXorMappedAddress(out _);
        reader.TryGetMappedAddress(out _);
        reader.TryGetXorAddress(StunAttributeType.XorPeerAddress, out _);
        reader.TryGetErrorCode(out _, out _);
        reader.TryGetUInt32(StunAttributeType.Lifetime, out _);
        reader.TryGetChannelNumber(out _);
        reader.VerifyMessageIntegrity(Key);
        reader.VerifyMessageIntegritySha256(Key);
        reader.VerifyFingerprint();
    }
}
