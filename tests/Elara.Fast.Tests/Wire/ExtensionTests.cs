using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Wire;

public sealed class ExtensionTests
{
    [Fact]
    public void Every_typed_extension_round_trips()
    {
        var area = new byte[128];
        var w = new ExtensionWriter(area);
        Assert.True(w.TryWriteRatchetId(0xDEADBEEF));
        Assert.True(w.TryWriteKeyEpoch(7));
        Assert.True(w.TryWriteSwarmRole(SwarmRole.Aggregator));
        Assert.True(w.TryWriteRelayHop(3));
        Assert.True(w.TryWriteInterestMask(0x8000_0000_0000_0001));
        Assert.True(w.TryWriteRedundancyGroup(0x1234));
        Assert.True(w.TryWriteCompressionHint(9));
        Assert.True(w.TryWriteFragmentInfo(new FragmentInfo(2, 5)));
        Assert.True(w.TryWritePathId(0xABCD));
        Assert.True(w.TryWritePriorityHint(200));
        Assert.True(w.TryWriteCausalityRef([1, 2, 3]));
        Assert.True(w.TryWriteEnd());
        // 6+4+3+3+10+4+3+6+4+3+5+1
        Assert.Equal(52, w.BytesWritten);
        Assert.Equal((ushort)82, w.HeaderLength);

        var r = new ExtensionReader(area.AsSpan(0, w.BytesWritten));
        Assert.True(r.TryGetKeyEpoch(out var epoch));
        Assert.Equal((ushort)7, epoch);
        Assert.True(r.TryGetSwarmRole(out var role));
        Assert.Equal(SwarmRole.Aggregator, role);
        Assert.True(r.TryGetRelayHop(out var hop));
        Assert.Equal((byte)3, hop);
        Assert.True(r.TryGetInterestMask(out var mask));
        Assert.Equal(0x8000_0000_0000_0001UL, mask);
        Assert.True(r.TryGetFragmentInfo(out var fragment));
        Assert.Equal(new FragmentInfo(2, 5), fragment);
        Assert.True(r.TryGetPathId(out var path));
        Assert.Equal((ushort)0xABCD, path);
        Assert.True(r.TryGetPriorityHint(out var priority));
        Assert.Equal((byte)200, priority);

        Assert.True(r.MoveNext());
        Assert.Equal(ExtensionType.RatchetId, r.Current.Type);
        Assert.Equal(0xDEADBEEFu, r.Current.RatchetId);
        Assert.Equal(0, r.Current.Offset);
        var seen = 1;
        var last = ExtensionType.RatchetId;
        while (r.MoveNext())
        {
            seen++;
            last = r.Current.Type;
            if (last == ExtensionType.RedundancyGroup)
            {
                Assert.Equal((ushort)0x1234, r.Current.RedundancyGroup);
            }
            else if (last == ExtensionType.CompressionHint)
            {
                Assert.Equal((byte)9, r.Current.CompressionHint);
            }
        }

        Assert.Equal(WireStatus.Ok, r.Status);
        Assert.Equal(11, seen);
        Assert.Equal(ExtensionType.CausalityRef, last);
        Assert.Equal(52, r.Offset);
    }

    [Fact]
    public void The_reader_reads_hand_written_bytes()
    {
        // FragmentInfo index 1 of 3, unknown type 0x42 with 2 bytes, KeyEpoch 0x0102, End.
        byte[] area = [0x08, 0x04, 0x01, 0x00, 0x03, 0x00, 0x42, 0x02, 0x99, 0x98, 0x02, 0x02, 0x02, 0x01, 0xFF];
        var r = new ExtensionReader(area);
        Assert.True(r.MoveNext());
        Assert.Equal(new FragmentInfo(1, 3), r.Current.FragmentInfo);
        Assert.True(r.MoveNext());
        Assert.Equal((ExtensionType)0x42, r.Current.Type);
        Assert.False(r.Current.IsKnown);
        Assert.Equal(new byte[] { 0x99, 0x98 }, r.Current.Value.ToArray());
        Assert.Equal(6, r.Current.Offset);
        Assert.True(r.MoveNext());
        Assert.Equal((ushort)0x0102, r.Current.KeyEpoch);
        Assert.False(r.MoveNext());
        Assert.Equal(WireStatus.Ok, r.Status);
        Assert.Equal(15, r.Offset);
    }

    [Fact]
    public void Foreach_walks_the_extensions()
    {
        byte[] area = [0x04, 0x01, 0x07, 0x0A, 0x01, 0x05];
        var types = new List<ExtensionType>();
        foreach (var e in new ExtensionReader(area))
        {
            types.Add(e.Type);
        }

        Assert.Equal([ExtensionType.RelayHop, ExtensionType.PriorityHint], types);
    }

    [Theory]
    [InlineData(new byte[] { 0x04 }, WireStatus.ExtensionOverrun, 1)]
    [InlineData(new byte[] { 0x04, 0x02, 0x00 }, WireStatus.ExtensionOverrun, 1)]
    [InlineData(new byte[] { 0x42, 0x05, 0x00, 0x00 }, WireStatus.ExtensionOverrun, 1)]
    [InlineData(new byte[] { 0x02, 0x03, 0x00, 0x00, 0x00 }, WireStatus.ExtensionLengthInvalid, 1)]
    [InlineData(new byte[] { 0x08, 0x02, 0x00, 0x00 }, WireStatus.ExtensionLengthInvalid, 1)]
    [InlineData(new byte[] { 0x03, 0x01, 0x05 }, WireStatus.ValueOutOfRange, 2)]
    [InlineData(new byte[] { 0x08, 0x04, 0x03, 0x00, 0x03, 0x00 }, WireStatus.ValueOutOfRange, 2)]
    [InlineData(new byte[] { 0x08, 0x04, 0x00, 0x00, 0x00, 0x00 }, WireStatus.ValueOutOfRange, 2)]
    [InlineData(new byte[] { 0x04, 0x01, 0x01, 0x04, 0x01, 0x02 }, WireStatus.DuplicateExtension, 3)]
    [InlineData(new byte[] { 0xFF, 0x00 }, WireStatus.TrailingBytesAfterEnd, 1)]
    [InlineData(new byte[] { 0x0B, 0x00, 0xFF, 0x01, 0x00 }, WireStatus.TrailingBytesAfterEnd, 3)]
    public void The_reader_names_the_fault_and_where(byte[] area, WireStatus reason, int at)
    {
        var r = new ExtensionReader(area);
        Assert.False(r.TryValidate(out _));
        Assert.Equal(reason, r.Status);
        Assert.Equal(at, r.Offset);
        Assert.False(r.MoveNext());
    }

    [Fact]
    public void CausalityRef_may_repeat_and_be_empty()
    {
        byte[] area = [0x0B, 0x00, 0x0B, 0x01, 0x77];
        var r = new ExtensionReader(area);
        Assert.True(r.TryValidate(out var fragment));
        Assert.False(fragment);
    }

    [Fact]
    public void The_writer_refuses_what_does_not_fit_and_writes_nothing()
    {
        var area = new byte[5];
        var w = new ExtensionWriter(area);
        Assert.False(w.TryWriteFragmentInfo(new FragmentInfo(0, 1)));
        Assert.Equal(0, w.BytesWritten);
        Assert.True(w.TryWriteKeyEpoch(1));
        Assert.False(w.TryWriteRelayHop(1));
        Assert.True(w.TryWriteEnd());
        Assert.False(w.TryWriteEnd());
        Assert.Equal(5, w.BytesWritten);
    }

    [Fact]
    public void The_writer_caps_the_area_so_the_frame_stays_within_1400_bytes()
    {
        var w = new ExtensionWriter(new byte[4000]);
        var value = new byte[255];
        var written = 0;
        while (w.TryWriteCausalityRef(value))
        {
            written++;
        }

        Assert.Equal(5, written);
        Assert.True(w.BytesWritten <= ExtensionWriter.MaxAreaLength);
        Assert.Equal(1354, ExtensionWriter.MaxAreaLength);
    }

    [Fact]
    public void The_writer_rejects_a_value_longer_than_255_bytes()
    {
        var area = new byte[600];
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var w = new ExtensionWriter(area);
            w.TryWrite(ExtensionType.CausalityRef, new byte[256]);
        });
    }

    [Fact]
    public void A_typed_accessor_on_another_type_throws()
    {
        byte[] area = [0x04, 0x01, 0x07];
        Assert.Throws<InvalidOperationException>(() =>
        {
            var r = new ExtensionReader(area);
            r.MoveNext();
            return r.Current.KeyEpoch;
        });
    }
}
