using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Wire;

public sealed class FrameHeaderTests
{
    // A 46-byte frame written by hand from WIRE.md: suite 1, flags PRIORITY, header length 30,
    // session 0x0102030405060708, node 0x1112131415161718, class Perceptual, profile VoiceStandard,
    // time hint -2, epoch 0x0304, sequence 0xBEEF, empty ciphertext, 16 tag bytes of 0xAA.
    internal static byte[] HandWrittenFrame() =>
    [
        0x01, 0x10, 0x1E, 0x00,
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
        0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,
        0x01, 0x11,
        0xFE, 0xFF, 0xFF, 0xFF,
        0x04, 0x03,
        0xEF, 0xBE,
        0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA,
    ];

    [Fact]
    public void Reader_reads_every_field_of_a_hand_written_header()
    {
        var frame = HandWrittenFrame();
        Assert.True(FrameHeaderReader.TryRead(frame, out var h, out var status, out var offset));
        Assert.Equal(WireStatus.Ok, status);
        Assert.Equal(30, offset);
        Assert.Equal(0, h.Version);
        Assert.Equal(CryptoSuite.Aes256Gcm, h.Suite);
        Assert.Equal(FrameFlags.Priority, h.Flags);
        Assert.Equal(30, h.HeaderLength);
        Assert.Equal(new SessionId(0x0102030405060708), h.SessionId);
        Assert.Equal(new NodeId(0x1112131415161718), h.NodeId);
        Assert.Equal(PacketClass.Perceptual, h.PacketClass);
        Assert.Equal(RepresentationProfile.VoiceStandard, h.Profile);
        Assert.Equal(-2, h.TimeHint);
        Assert.Equal((ushort)0x0304, h.KeyEpoch);
        Assert.Equal((ushort)0xBEEF, h.Sequence);
        Assert.Equal(0x0304BEEFu, h.Counter);
        Assert.Equal(0, h.ExtensionArea.Length);
    }

    [Fact]
    public void Writer_produces_the_hand_written_bytes()
    {
        var expected = HandWrittenFrame();
        var buffer = new byte[46];
        buffer.AsSpan(30).Fill(0xAA);
        var header = new FrameHeader(0, CryptoSuite.Aes256Gcm, FrameFlags.Priority, 30, new SessionId(0x0102030405060708),
            new NodeId(0x1112131415161718), PacketClass.Perceptual, RepresentationProfile.VoiceStandard, -2, 0x0304, 0xBEEF);
        Assert.True(FrameHeaderWriter.TryWrite(buffer, header));
        Assert.Equal(expected, buffer);
    }

    [Fact]
    public void Writer_setters_round_trip_through_the_reader()
    {
        var buffer = new byte[64];
        Assert.True(FrameHeaderWriter.TryCreate(buffer, out var w));
        w.SetVersionAndSuite(0, CryptoSuite.ChaCha20Poly1305);
        w.Flags = FrameFlags.Relay | FrameFlags.Repair;
        w.HeaderLength = 30;
        w.SessionId = new SessionId(ulong.MaxValue);
        w.NodeId = new NodeId(42);
        w.PacketClass = PacketClass.Repair;
        w.Profile = (RepresentationProfile)0x99;
        w.TimeHint = int.MinValue;
        w.KeyEpoch = ushort.MaxValue;
        w.Sequence = 1;
        Assert.True(FrameHeaderReader.TryRead(buffer, out var r, out _));
        Assert.Equal(w.Flags, r.Flags);
        Assert.Equal(w.SessionId, r.SessionId);
        Assert.Equal(w.NodeId, r.NodeId);
        Assert.Equal(PacketClass.Repair, r.PacketClass);
        Assert.Equal((RepresentationProfile)0x99, r.Profile);
        Assert.Equal(int.MinValue, r.TimeHint);
        Assert.Equal(ushort.MaxValue, r.KeyEpoch);
        Assert.Equal((ushort)1, r.Sequence);
        Assert.Equal(0xFFFF0001u, r.Counter);
    }

    [Fact]
    public void Writer_refuses_a_destination_shorter_than_the_header()
    {
        Assert.False(FrameHeaderWriter.TryCreate(new byte[29], out _));
        Assert.False(FrameHeaderWriter.TryWrite(new byte[29], default));
    }

    [Theory]
    [InlineData(0, 0x10, WireStatus.BadVersion, 0)]
    [InlineData(0, 0xF1, WireStatus.BadVersion, 0)]
    [InlineData(0, 0x02, WireStatus.UnknownSuite, 0)]
    [InlineData(0, 0x0F, WireStatus.UnknownSuite, 0)]
    [InlineData(1, 0x80, WireStatus.ReservedFlagSet, 1)]
    [InlineData(1, 0x30, WireStatus.ExtensionFlagMismatch, 1)]
    [InlineData(2, 29, WireStatus.HeaderLengthOutOfRange, 2)]
    [InlineData(2, 31, WireStatus.HeaderLengthOutOfRange, 2)]
    [InlineData(3, 0x01, WireStatus.HeaderLengthOutOfRange, 2)]
    [InlineData(20, 5, WireStatus.UnknownClass, 20)]
    [InlineData(20, 0xFF, WireStatus.UnknownClass, 20)]
    public void Reader_names_the_reason_and_the_offset(int index, byte value, WireStatus reason, int at)
    {
        var frame = HandWrittenFrame();
        frame[index] = value;
        Assert.False(FrameHeaderReader.TryRead(frame, out _, out var status, out var offset));
        Assert.Equal(reason, status);
        Assert.Equal(at, offset);
    }

    [Fact]
    public void Reader_rejects_a_frame_shorter_than_46_bytes_at_its_end()
    {
        var frame = HandWrittenFrame();
        Assert.False(FrameHeaderReader.TryRead(frame.AsSpan(0, 45), out _, out var status, out var offset));
        Assert.Equal(WireStatus.TooShort, status);
        Assert.Equal(45, offset);
    }

    [Fact]
    public void Reader_rejects_a_frame_longer_than_1400_bytes()
    {
        var frame = new byte[1401];
        HandWrittenFrame().CopyTo(frame, 0);
        Assert.False(FrameHeaderReader.TryRead(frame, out _, out var status, out var offset));
        Assert.Equal(WireStatus.TooLong, status);
        Assert.Equal(1400, offset);
        Assert.True(FrameHeaderReader.TryRead(frame.AsSpan(0, 1400), out _, out _));
    }

    [Fact]
    public void Reader_accepts_a_header_length_that_leaves_exactly_the_tag()
    {
        var frame = new byte[60];
        HandWrittenFrame().CopyTo(frame, 0);
        frame[1] |= (byte)FrameFlags.Extension;
        frame[2] = 44;
        Assert.True(FrameHeaderReader.TryRead(frame, out var h, out _));
        Assert.Equal(14, h.ExtensionArea.Length);
        frame[2] = 45;
        Assert.False(FrameHeaderReader.TryRead(frame, out _, out var status));
        Assert.Equal(WireStatus.HeaderLengthOutOfRange, status);
    }
}
