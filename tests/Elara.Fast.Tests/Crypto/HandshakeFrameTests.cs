using CsCheck;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Crypto;

/// <summary>The classifier that separates handshake frames from data frames (docs/handshake.md, "Framing").</summary>
public sealed class HandshakeFrameTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_handshake_header_classifies_as_its_message_type(byte typeByte)
    {
        var type = (HandshakeMessageType)typeByte;
        var frame = new byte[HandshakeFrame.BodyOffset + 8];
        HandshakeFrame.WriteHeader(frame, type, HandshakePattern.XX, new SessionId(3), new NodeId(4), 5, 6);
        Assert.Equal(type, HandshakeFrame.Classify(frame));
        Assert.Equal(new SessionId(3), HandshakeFrame.Session(frame));
        Assert.Equal(new NodeId(4), HandshakeFrame.Sender(frame));
        Assert.Equal(5u, HandshakeFrame.SenderIndex(frame));
        Assert.Equal(6u, HandshakeFrame.ReceiverIndex(frame));

        // The header is a valid ELARA fixed header of class Core with the reserved profile and length 30.
        Assert.True(FrameHeaderReader.TryRead(frame, out var header, out var status), status.ToString());
        Assert.Equal(PacketClass.Core, header.PacketClass);
        Assert.Equal((RepresentationProfile)0xFF, header.Profile);
        Assert.Equal(30, header.HeaderLength);
    }

    [Fact]
    public void Data_frames_of_every_class_and_ordinary_profile_classify_as_data()
    {
        foreach (var packetClass in Enum.GetValues<PacketClass>())
        {
            foreach (var profile in Enum.GetValues<RepresentationProfile>())
            {
                var frame = CryptoTestFrames.Build(packetClass, new byte[20]);
                frame[HeaderOffsets.Profile] = (byte)profile;
                Assert.Equal(HandshakeMessageType.Data, HandshakeFrame.Classify(frame));
            }
        }

        // Profile 0xFF outside class Core is a custom profile, not a handshake.
        var perceptual = CryptoTestFrames.Build(PacketClass.Perceptual, new byte[20]);
        perceptual[HeaderOffsets.Profile] = 0xFF;
        Assert.Equal(HandshakeMessageType.Data, HandshakeFrame.Classify(perceptual));
    }

    [Theory]
    [InlineData(HandshakeFrame.TypeOffset, 0)]       // no such message type
    [InlineData(HandshakeFrame.TypeOffset, 5)]
    [InlineData(HandshakeFrame.PatternOffset, 0)]    // no such pattern
    [InlineData(HandshakeFrame.PatternOffset, 3)]
    [InlineData(1, 0x20)]                            // flags must be 0 (no extensions)
    [InlineData(2, 31)]                              // header length must be exactly 30
    [InlineData(0, 0x10)]                            // version 1
    public void A_marked_frame_with_a_wrong_field_is_malformed(int offset, byte value)
    {
        var frame = new byte[HandshakeFrame.BodyOffset + 8];
        HandshakeFrame.WriteHeader(frame, HandshakeMessageType.Initiation, HandshakePattern.IK, new SessionId(1), new NodeId(2), 3, 0);
        frame[offset] = value;
        Assert.Equal(HandshakeMessageType.Malformed, HandshakeFrame.Classify(frame));
    }

    [Fact]
    public void A_marked_frame_shorter_than_the_handshake_header_is_malformed_and_a_shorter_datagram_is_data()
    {
        var frame = new byte[HandshakeFrame.BodyOffset];
        HandshakeFrame.WriteHeader(frame, HandshakeMessageType.Initiation, HandshakePattern.IK, new SessionId(1), new NodeId(2), 3, 0);
        Assert.Equal(HandshakeMessageType.Initiation, HandshakeFrame.Classify(frame));
        Assert.Equal(HandshakeMessageType.Malformed, HandshakeFrame.Classify(frame.AsSpan(0, HandshakeFrame.BodyOffset - 1)));
        Assert.Equal(HandshakeMessageType.Data, HandshakeFrame.Classify(frame.AsSpan(0, 21)));
        Assert.Equal(HandshakeMessageType.Data, HandshakeFrame.Classify([]));
    }

    [Fact]
    public void Classify_is_total_on_random_bytes_and_only_marked_frames_are_handshakes()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            var kind = HandshakeFrame.Classify(bytes);
            var marked = bytes.Length > 21 && bytes[20] == 0 && bytes[21] == 0xFF;
            Assert.Equal(marked, kind != HandshakeMessageType.Data);
        }, iter: 5000);
    }

    [Fact]
    public void Every_message_has_one_fixed_length_and_no_response_is_longer_than_its_initiation()
    {
        foreach (var pattern in new[] { HandshakePattern.IK, HandshakePattern.XX })
        {
            var initiation = HandshakeFrame.ExpectedLength(HandshakeMessageType.Initiation, pattern);
            Assert.True(HandshakeFrame.ExpectedLength(HandshakeMessageType.Response, pattern) <= initiation);
            Assert.True(HandshakeFrame.CookieReplyLength <= initiation);
            Assert.True(initiation <= FrameLayout.MaxFrame);
        }

        Assert.Equal(276, HandshakeFrame.ExpectedLength(HandshakeMessageType.Initiation, HandshakePattern.IK));
        Assert.Equal(184, HandshakeFrame.ExpectedLength(HandshakeMessageType.Response, HandshakePattern.IK));
        Assert.Equal(232, HandshakeFrame.ExpectedLength(HandshakeMessageType.Initiation, HandshakePattern.XX));
        Assert.Equal(232, HandshakeFrame.ExpectedLength(HandshakeMessageType.Response, HandshakePattern.XX));
        Assert.Equal(200, HandshakeFrame.ExpectedLength(HandshakeMessageType.Finish, HandshakePattern.XX));
        Assert.Equal(96, HandshakeFrame.CookieReplyLength);
        Assert.Equal(-1, HandshakeFrame.ExpectedLength(HandshakeMessageType.Finish, HandshakePattern.IK));
    }
}
