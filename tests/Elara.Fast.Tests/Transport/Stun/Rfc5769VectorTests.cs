using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Elara.Fast.Transport.Stun;

namespace Elara.Fast.Tests.Transport.Stun;

public sealed class Rfc5769VectorTests
{
    private static StunMessageReader Parse(byte[] message)
    {
        Assert.True(StunMessageReader.TryParse(message, out var reader, out var error), error.ToString());
        return reader;
    }

    [Fact]
    public void The_sample_request_verifies_with_the_password_and_its_fingerprint()
    {
        var vector = StunVectors.Request;
        var reader = Parse(vector.Message);
        Assert.Equal(StunIntegrityStatus.Valid, reader.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(vector.Password)));
        Assert.Equal(StunIntegrityStatus.Valid, reader.VerifyFingerprint());
    }

    [Fact]
    public void The_sample_request_decodes_its_attributes_in_order()
    {
        var vector = StunVectors.Request;
        var reader = Parse(vector.Message);
        Assert.Equal(StunMethod.Binding, reader.Method);
        Assert.Equal(StunClass.Request, reader.Class);
        Assert.Equal("b7e7a701bc34d686fa87dfae", reader.TransactionId.ToString());

        var types = new List<ushort>();
        foreach (var attribute in reader)
        {
            types.Add(attribute.Type);
        }

        // RFC 5769 §2.1: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY, FINGERPRINT.
        Assert.Equal(new ushort[] { 0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028 }, types);

        Assert.True(reader.TryGetAttribute(StunAttributeType.Software, out var software));
        // The RFC pads SOFTWARE's value "STUN test client" (16 bytes) with nothing; compare exactly.
        Assert.Equal(vector.Software, Encoding.UTF8.GetString(software));
        Assert.True(reader.TryGetAttribute(StunAttributeType.Username, out var username));
        Assert.Equal(vector.Username, Encoding.UTF8.GetString(username));
        Assert.True(reader.TryGetUInt32(StunAttributeType.Priority, out var priority));
        Assert.Equal(0x6e0001ffu, priority);
        Assert.True(reader.TryGetAttribute(StunAttributeType.IceControlled, out var tieBreaker));
        Assert.Equal(Convert.FromHexString("932ff9b151263b36"), tieBreaker.ToArray());
    }

    [Fact]
    public void The_sample_response_verifies_and_maps_to_192_0_2_1_port_32853()
    {
        var vector = StunVectors.Response;
        var reader = Parse(vector.Message);
        Assert.Equal(StunMethod.Binding, reader.Method);
        Assert.Equal(StunClass.SuccessResponse, reader.Class);
        Assert.Equal(StunIntegrityStatus.Valid, reader.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(vector.Password)));
        Assert.Equal(StunIntegrityStatus.Valid, reader.VerifyFingerprint());

        Assert.True(reader.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(AddressFamily.InterNetwork, mapped.Family);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), mapped.ToIPEndPoint());
        Assert.True(reader.TryGetAttribute(StunAttributeType.Software, out var software));
        // RFC 5769 §2.2: SOFTWARE is "test vector " (11 bytes, trailing space then one padding byte).
        Assert.Equal(vector.Software, Encoding.UTF8.GetString(software).TrimEnd());
    }

    [Fact]
    public void A_wrong_password_does_not_verify()
    {
        var reader = Parse(StunVectors.Request.Message);
        Assert.Equal(StunIntegrityStatus.Invalid, reader.VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBT"u8));
    }

    [Fact]
    public void A_flipped_bit_breaks_integrity_and_fingerprint()
    {
        var message = (byte[])StunVectors.Request.Message.Clone();
        message[30] ^= 0x01;   // inside SOFTWARE
        var reader = Parse(message);
        Assert.Equal(StunIntegrityStatus.Invalid, reader.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(StunVectors.Request.Password)));
        Assert.Equal(StunIntegrityStatus.Invalid, reader.VerifyFingerprint());
    }

    [Fact]
    public void Rewriting_the_request_vector_reproduces_its_mac_and_fingerprint()
    {
        // Rebuild RFC 5769 §2.1 from its decoded parts; MI and FINGERPRINT computed by the writer must
        // match the RFC's bytes, which were computed by someone else.
        var vector = StunVectors.Request;
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.Request, StunTransactionId.Read(vector.Message.AsSpan(8)));
        writer.AddUtf8(StunAttributeType.Software, vector.Software);
        writer.AddUInt32(StunAttributeType.Priority, 0x6e0001ff);
        writer.AddAttribute(StunAttributeType.IceControlled, Convert.FromHexString("932ff9b151263b36"));
        writer.AddUtf8(StunAttributeType.Username, vector.Username!);
        // The RFC pads USERNAME (9 bytes, at offset 64) with spaces; padding is covered by the MAC.
        buffer.AsSpan(73, 3).Fill(0x20);
        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(vector.Password));
        writer.AddFingerprint();
        Assert.True(writer.TryGetMessage(out var message));
        Assert.Equal(Convert.ToHexString(vector.Message), Convert.ToHexString(message));
    }

    [Fact]
    public void Rewriting_the_response_vector_reproduces_its_mac_and_fingerprint()
    {
        var vector = StunVectors.Response;
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.SuccessResponse, StunTransactionId.Read(vector.Message.AsSpan(8)));
        // SOFTWARE "test vector " (with the trailing space the RFC encodes), padded with 0x20 there too.
        writer.AddAttribute(StunAttributeType.Software, vector.Message.AsSpan(24, 11));
        buffer[20 + 4 + 11] = 0x20;
        writer.AddXorAddress(StunAttributeType.XorMappedAddress, StunAddress.FromIPEndPoint(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853)));
        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(vector.Password));
        writer.AddFingerprint();
        Assert.True(writer.TryGetMessage(out var message));
        Assert.Equal(Convert.ToHexString(vector.Message), Convert.ToHexString(message));
        Assert.Equal(0xc07d4c96u, BinaryPrimitives.ReadUInt32BigEndian(message.Slice(message.Length - 4)));
    }
}
