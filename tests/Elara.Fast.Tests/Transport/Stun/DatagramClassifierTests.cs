using System.Buffers.Binary;
using CsCheck;
using Elara.Fast.Transport;

namespace Elara.Fast.Tests.Transport.Stun;

public sealed class DatagramClassifierTests
{
    // RFC 5769 §2.2 sample IPv4 response, copied from tests/vectors/stun-rfc5769.json.
    private static readonly byte[] Rfc5769Response = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96");

    private static byte[] ElaraFrame(int length, byte suite = 0)
    {
        var frame = new byte[length];
        frame[0] = suite;                                               // version 0 << 4 | suite
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(2), 30);  // header length, little-endian
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(4), 0x1122334455667788);
        return frame;
    }

    [Fact]
    public void A_stun_message_is_stun()
    {
        Assert.Equal(DatagramKind.Stun, DatagramClassifier.Classify(Rfc5769Response));
    }

    [Fact]
    public void A_bare_stun_header_with_no_attributes_is_stun()
    {
        var header = new byte[] { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        Assert.Equal(DatagramKind.Stun, DatagramClassifier.Classify(header));
    }

    [Fact]
    public void A_stun_message_whose_length_disagrees_with_the_datagram_is_not_stun()
    {
        var longer = new byte[Rfc5769Response.Length + 4];
        Rfc5769Response.CopyTo(longer, 0);
        // Byte 0 (0x01) is also a valid ELARA first byte: not STUN, it falls through to the ELARA
        // rule and the frame reader rejects it later.
        Assert.Equal(DatagramKind.Elara, DatagramClassifier.Classify(longer));
        Assert.Equal(DatagramKind.Elara, DatagramClassifier.Classify(Rfc5769Response.AsSpan(0, Rfc5769Response.Length - 4)));
    }

    [Fact]
    public void A_stun_length_that_is_not_a_multiple_of_four_is_not_stun()
    {
        var message = new byte[22];
        message[1] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), 2);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), 0x2112A442);
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify(message));
    }

    [Fact]
    public void A_stun_header_without_the_magic_cookie_is_not_stun()
    {
        var message = (byte[])Rfc5769Response.Clone();
        message[7] ^= 1;
        Assert.Equal(DatagramKind.Elara, DatagramClassifier.Classify(message));
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify(message.AsSpan(0, 20)));
    }

    [Fact]
    public void A_message_with_the_top_bits_set_is_not_stun()
    {
        var message = (byte[])Rfc5769Response.Clone();
        message[0] |= 0x80;
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify(message));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void An_elara_frame_is_elara(byte suite)
    {
        Assert.Equal(DatagramKind.Elara, DatagramClassifier.Classify(ElaraFrame(46, suite)));
        Assert.Equal(DatagramKind.Elara, DatagramClassifier.Classify(ElaraFrame(1400, suite)));
    }

    [Fact]
    public void An_elara_frame_shorter_than_header_plus_tag_is_unknown()
    {
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify(ElaraFrame(45)));
    }

    [Fact]
    public void An_elara_frame_whose_session_id_contains_the_cookie_stays_elara()
    {
        // The session id (bytes 4..11) starts with the cookie's bytes, but the header length field
        // (30, little-endian, read big-endian as 0x1E00) does not account for the datagram.
        var frame = ElaraFrame(200);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), 0x2112A442);
        Assert.Equal(DatagramKind.Elara, DatagramClassifier.Classify(frame));
    }

    [Fact]
    public void A_frame_whose_version_is_not_zero_is_unknown()
    {
        var frame = ElaraFrame(100);
        frame[0] = 0x10;
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify(frame));
        frame[0] = 0x30;
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify(frame));
    }

    [Theory]
    [InlineData(0x4000, 0, 4)]
    [InlineData(0x4000, 5, 9)]
    [InlineData(0x4001, 5, 12)]   // padded to a multiple of 4 over UDP (RFC 8656 §12.5)
    [InlineData(0x4FFF, 100, 104)]
    public void A_channel_data_message_is_channel_data(int channel, int length, int datagramLength)
    {
        var message = new byte[datagramLength];
        BinaryPrimitives.WriteUInt16BigEndian(message, (ushort)channel);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)length);
        Assert.Equal(DatagramKind.ChannelData, DatagramClassifier.Classify(message));
    }

    [Fact]
    public void A_channel_data_message_whose_length_runs_past_the_datagram_is_unknown()
    {
        var message = new byte[10];
        BinaryPrimitives.WriteUInt16BigEndian(message, 0x4000);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), 7);
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify(message));
    }

    [Theory]
    [InlineData(0x50)]
    [InlineData(0x7F)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void Other_first_bytes_are_unknown(byte first)
    {
        var message = new byte[100];
        message[0] = first;
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify(message));
    }

    [Fact]
    public void Tiny_datagrams_are_unknown()
    {
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify([]));
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify([0x40, 0x00, 0x00]));
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify([0x00]));
    }

    [Fact]
    public void Random_bytes_never_throw_and_stun_implies_the_exact_shape()
    {
        Gen.Byte.Array[0, 1500].Sample(bytes =>
        {
            var kind = DatagramClassifier.Classify(bytes);
            return kind switch
            {
                DatagramKind.Stun => bytes.Length >= 20 && BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2)) + 20 == bytes.Length,
                DatagramKind.ChannelData => bytes[0] is >= 0x40 and <= 0x4F,
                DatagramKind.Elara => bytes[0] < 0x10 && bytes.Length >= 46,
                _ => true,
            };
        }, iter: 20_000);
    }

    [Fact]
    public void Classify_does_not_allocate()
    {
        var frame = ElaraFrame(200);
        var sum = 0;
        var runs = 0;
        var allocated = AllocationMeter.SteadyStateBytes(() =>
        {
            runs++;
            for (var i = 0; i < 20_000; i++)
            {
                sum += (int)DatagramClassifier.Classify(frame) + (int)DatagramClassifier.Classify(Rfc5769Response);
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(runs * 20_000 * 3, sum);
    }
}
