using CsCheck;
using Elara.Fast.Transport;
using Elara.Fast.Transport.Turn;

namespace Elara.Fast.Tests.Transport.Turn;

public sealed class ChannelDataTests
{
    [Fact]
    public void A_framed_payload_has_the_rfc_layout()
    {
        var buffer = new byte[16];
        Assert.True(ChannelData.TryWrite(buffer, 0x4001, [0xAA, 0xBB, 0xCC, 0xDD, 0xEE], pad: true, out var written));
        Assert.Equal(12, written);
        Assert.Equal("40010005AABBCCDDEE000000", Convert.ToHexString(buffer, 0, written));
        Assert.True(ChannelData.TryWrite(buffer, 0x4001, [0xAA], pad: false, out written));
        Assert.Equal("40010001AA", Convert.ToHexString(buffer, 0, written));
    }

    [Theory]
    [InlineData(0x3FFF)]
    [InlineData(0x5000)]
    [InlineData(0x0000)]
    public void Channel_numbers_outside_0x4000_0x4fff_are_refused(int channel)
    {
        Assert.False(ChannelData.TryWrite(new byte[16], (ushort)channel, [1], pad: true, out var written));
        Assert.Equal(0, written);
        var message = new byte[] { (byte)(channel >> 8), (byte)channel, 0, 0 };
        Assert.False(ChannelData.TryRead(message, out _, out _));
    }

    [Fact]
    public void A_destination_too_small_is_refused()
    {
        Assert.False(ChannelData.TryWrite(new byte[7], 0x4000, [1, 2, 3, 4], pad: true, out _));
        Assert.True(ChannelData.TryWrite(new byte[8], 0x4000, [1, 2, 3, 4], pad: true, out _));
    }

    [Fact]
    public void Payloads_round_trip_and_classify_as_channel_data()
    {
        Gen.Select(Gen.UShort[0x4000, 0x4FFF], Gen.Byte.Array[0, 1500], Gen.Bool).Sample((channel, payload, pad) =>
        {
            var buffer = new byte[1504 + 4];
            Assert.True(ChannelData.TryWrite(buffer, channel, payload, pad, out var written));
            Assert.Equal(0, written % (pad ? 4 : 1));
            var message = buffer.AsSpan(0, written);
            Assert.Equal(DatagramKind.ChannelData, DatagramClassifier.Classify(message));
            Assert.True(ChannelData.TryRead(message, out var readChannel, out var readPayload));
            Assert.Equal(channel, readChannel);
            Assert.Equal(payload, readPayload.ToArray());
        }, iter: 2_000);
    }

    [Fact]
    public void Random_bytes_never_read_past_the_datagram()
    {
        Gen.Byte.Array[0, 64].Sample(bytes =>
        {
            if (ChannelData.TryRead(bytes, out _, out var payload))
            {
                Assert.True(payload.Length + ChannelData.HeaderSize <= bytes.Length);
            }
        }, iter: 20_000);
    }
}
