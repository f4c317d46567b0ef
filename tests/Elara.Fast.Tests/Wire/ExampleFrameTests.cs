using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Wire;

/// <summary>
/// The example frame printed in docs/wire-protocol.md, decoded field by field against values written by
/// hand from WIRE.md, and rebuilt with the writers to show the page describes what the code writes.
/// </summary>
public sealed class ExampleFrameTests
{
    private const ulong Node = 0x0123456789ABCDEF;

    [Fact]
    public void The_documented_frame_decodes_to_the_documented_fields()
    {
        var frame = ExampleFrame.Bytes();
        Assert.Equal(148, frame.Length);
        Assert.True(FrameLayout.TryParse(frame, out var layout, out var status, out var offset), status.ToString());
        Assert.Equal(38, offset);

        var h = layout.Header;
        Assert.Equal(0, h.Version);
        Assert.Equal(CryptoSuite.ChaCha20Poly1305, h.Suite);
        Assert.Equal(FrameFlags.Priority | FrameFlags.Extension, h.Flags);
        Assert.Equal(38, h.HeaderLength);
        Assert.Equal(new SessionId(0x1122334455667788), h.SessionId);
        Assert.Equal(new NodeId(Node), h.NodeId);
        Assert.Equal(PacketClass.Core, h.PacketClass);
        Assert.Equal(RepresentationProfile.Textual, h.Profile);
        Assert.Equal(1500, h.TimeHint);
        Assert.Equal((ushort)1, h.KeyEpoch);
        Assert.Equal((ushort)42, h.Sequence);
        Assert.Equal(65578u, h.Counter);

        var ext = layout.Extensions;
        Assert.True(ext.MoveNext());
        Assert.Equal(ExtensionType.RelayHop, ext.Current.Type);
        Assert.Equal(0, ext.Current.Offset);
        Assert.Equal((byte)1, ext.Current.RelayHop);
        Assert.True(ext.MoveNext());
        Assert.Equal(ExtensionType.PathId, ext.Current.Type);
        Assert.Equal(3, ext.Current.Offset);
        Assert.Equal((ushort)2, ext.Current.PathId);
        Assert.False(ext.MoveNext());
        Assert.Equal(WireStatus.Ok, ext.Status);
        Assert.Equal(0xFF, frame[37]);

        Assert.Equal(38, layout.Aad.Length);
        Assert.Equal(94, layout.Ciphertext.Length);
        Assert.Equal(new byte[16], layout.Tag.ToArray());

        var blocks = new EventBlockReader(layout.Ciphertext);
        Assert.True(blocks.MoveNext());
        var b = blocks.Current;
        Assert.Equal(0, b.Offset);
        Assert.Equal(37, b.Bytes.Length);
        Assert.Equal(EventType.StateCreate, b.EventType);
        Assert.Equal(new StateId(0x10), b.StateId);
        Assert.Equal(1, b.VersionVector.Count);
        Assert.Equal(new VersionVectorEntry(new NodeId(Node), 1), b.VersionVector[0]);
        Assert.Equal(MutationKind.Set, b.Mutation.Kind);
        Assert.Equal("hello"u8.ToArray(), b.Mutation.Bytes.ToArray());

        Assert.True(blocks.MoveNext());
        b = blocks.Current;
        Assert.Equal(37, b.Offset);
        Assert.Equal(EventType.StateUpdate, b.EventType);
        Assert.Equal(new StateId(0x11), b.StateId);
        Assert.Equal(new VersionVectorEntry(new NodeId(Node), 2), b.VersionVector[0]);
        Assert.Equal(MutationKind.Increment, b.Mutation.Kind);
        Assert.Equal(5, b.Mutation.Delta);

        Assert.True(blocks.MoveNext());
        b = blocks.Current;
        Assert.Equal(75, b.Offset);
        Assert.Equal(EventType.TextAppend, b.EventType);
        Assert.Equal(new StateId(0x12), b.StateId);
        Assert.Equal(0, b.VersionVector.Count);
        Assert.Equal(MutationKind.Append, b.Mutation.Kind);
        Assert.Equal("hi!"u8.ToArray(), b.Mutation.Bytes.ToArray());

        Assert.False(blocks.MoveNext());
        Assert.Equal(WireStatus.Ok, blocks.Status);
        Assert.Equal(3, blocks.Count);
    }

    [Fact]
    public void The_writers_produce_the_documented_bytes()
    {
        var frame = new byte[148];
        var header = new FrameHeader(0, CryptoSuite.ChaCha20Poly1305, FrameFlags.Priority | FrameFlags.Extension, 38,
            new SessionId(0x1122334455667788), new NodeId(Node), PacketClass.Core, RepresentationProfile.Textual, 1500, 1, 42);
        Assert.True(FrameHeaderWriter.TryWrite(frame, header));
        var ext = new ExtensionWriter(frame.AsSpan(30));
        Assert.True(ext.TryWriteRelayHop(1));
        Assert.True(ext.TryWritePathId(2));
        Assert.True(ext.TryWriteEnd());
        Assert.Equal((ushort)38, ext.HeaderLength);
        var blocks = new EventBlockWriter(frame.AsSpan(38, 94));
        Assert.Equal(WireStatus.Ok, blocks.TryAppend(EventType.StateCreate, new StateId(0x10), [new(new NodeId(Node), 1)], Mutation.Set("hello"u8)));
        Assert.Equal(WireStatus.Ok, blocks.TryAppend(EventType.StateUpdate, new StateId(0x11), [new(new NodeId(Node), 2)], Mutation.Increment(5)));
        Assert.Equal(WireStatus.Ok, blocks.TryAppend(EventType.TextAppend, new StateId(0x12), [], Mutation.Append("hi!"u8)));
        Assert.Equal(0, blocks.Remaining);

        Assert.Equal(ExampleFrame.Hex(), Convert.ToHexStringLower(frame));
    }
}
