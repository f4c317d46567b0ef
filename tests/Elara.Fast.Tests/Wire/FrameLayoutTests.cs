using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Wire;

public sealed class FrameLayoutTests
{
    private static byte[] FrameWithExtensions(FrameFlags extraFlags, bool fragmentInfo)
    {
        // header (30) | RelayHop 2 (3 bytes) [| FragmentInfo 0/2 (6 bytes)] | payload 5 bytes | tag 16
        var ext = fragmentInfo ? 9 : 3;
        var frame = new byte[30 + ext + 5 + 16];
        var header = new FrameHeader(0, CryptoSuite.ChaCha20Poly1305, FrameFlags.Extension | extraFlags, (ushort)(30 + ext),
            new SessionId(1), new NodeId(2), PacketClass.Core, RepresentationProfile.Textual, 0, 0, 9);
        Assert.True(FrameHeaderWriter.TryWrite(frame, header));
        var w = new ExtensionWriter(frame.AsSpan(30, ext));
        Assert.True(w.TryWriteRelayHop(2));
        if (fragmentInfo)
        {
            Assert.True(w.TryWriteFragmentInfo(new FragmentInfo(0, 2)));
        }

        frame.AsSpan(30 + ext, 5).Fill(0x55);
        frame.AsSpan(frame.Length - 16).Fill(0xEE);
        return frame;
    }

    [Fact]
    public void Layout_exposes_aad_ciphertext_and_tag()
    {
        var frame = FrameWithExtensions(FrameFlags.None, fragmentInfo: false);
        Assert.True(FrameLayout.TryParse(frame, out var layout, out var status, out var offset));
        Assert.Equal(WireStatus.Ok, status);
        Assert.Equal(33, offset);
        Assert.Equal(33, layout.HeaderLength);
        Assert.Equal(54, layout.Length);
        Assert.Equal(frame.AsSpan(0, 33).ToArray(), layout.Aad.ToArray());
        Assert.Equal(new byte[] { 0x04, 0x01, 0x02 }, layout.ExtensionArea.ToArray());
        Assert.Equal(new byte[] { 0x55, 0x55, 0x55, 0x55, 0x55 }, layout.Ciphertext.ToArray());
        Assert.Equal(Enumerable.Repeat((byte)0xEE, 16).ToArray(), layout.Tag.ToArray());
        Assert.Equal((ushort)9, layout.Header.Sequence);
        Assert.True(layout.Extensions.TryGetRelayHop(out var hop));
        Assert.Equal((byte)2, hop);

        // The spans alias the datagram: writing through them changes it in place.
        layout.Ciphertext[0] = 0x66;
        Assert.Equal(0x66, frame[33]);
    }

    [Fact]
    public void Layout_requires_FragmentInfo_exactly_when_the_FRAGMENT_flag_is_set()
    {
        Assert.True(FrameLayout.TryParse(FrameWithExtensions(FrameFlags.Fragment, fragmentInfo: true), out _, out _));

        Assert.False(FrameLayout.TryParse(FrameWithExtensions(FrameFlags.Fragment, fragmentInfo: false), out _, out var s1, out var o1));
        Assert.Equal(WireStatus.FragmentFlagMismatch, s1);
        Assert.Equal(1, o1);

        Assert.False(FrameLayout.TryParse(FrameWithExtensions(FrameFlags.None, fragmentInfo: true), out _, out var s2));
        Assert.Equal(WireStatus.FragmentFlagMismatch, s2);
    }

    [Fact]
    public void Layout_reports_extension_faults_at_their_frame_offset()
    {
        var frame = FrameWithExtensions(FrameFlags.None, fragmentInfo: false);
        frame[31] = 0x09; // RelayHop length 9 runs past the 3-byte area
        Assert.False(FrameLayout.TryParse(frame, out _, out var status, out var offset));
        Assert.Equal(WireStatus.ExtensionOverrun, status);
        Assert.Equal(31, offset);
        Assert.False(FrameLayout.TryValidate(frame, out _, out status, out offset));
        Assert.Equal(WireStatus.ExtensionOverrun, status);
        Assert.Equal(31, offset);
    }

    [Fact]
    public void Layout_for_sealing_sizes_the_frame()
    {
        var buffer = new byte[1500];
        Assert.Equal(WireStatus.Ok, FrameLayout.TryCreate(buffer, 40, 100, out var layout));
        Assert.Equal(156, layout.Length);
        Assert.Equal(40, layout.Aad.Length);
        Assert.Equal(100, layout.Ciphertext.Length);
        Assert.Equal(16, layout.Tag.Length);
        Assert.Equal(WireStatus.TooLong, FrameLayout.TryCreate(buffer, 30, 1355, out _));
        Assert.Equal(WireStatus.Ok, FrameLayout.TryCreate(buffer, 30, 1354, out _));
        Assert.Equal(WireStatus.DestinationTooSmall, FrameLayout.TryCreate(new byte[100], 30, 60, out _));
        Assert.Equal(WireStatus.HeaderLengthOutOfRange, FrameLayout.TryCreate(buffer, 29, 0, out _));
        Assert.Equal(1354, FrameLayout.PayloadCapacity(30));
        Assert.Equal(0, FrameLayout.PayloadCapacity(1400));
        Assert.Equal(156, FrameLayout.FrameLength(40, 100));
    }

    [Fact]
    public void Constants_match_the_wire_spec()
    {
        Assert.Equal(30, FrameLayout.HeaderSize);
        Assert.Equal(16, FrameLayout.TagSize);
        Assert.Equal(46, FrameLayout.MinFrame);
        Assert.Equal(1400, FrameLayout.MaxFrame);
    }
}
