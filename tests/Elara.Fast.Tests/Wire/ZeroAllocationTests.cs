using Elara.Fast.Primitives;
using Elara.Fast.Wire;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Wire;

/// <summary>The read and write paths allocate nothing per frame (PERFORMANCE.md: asserted by a test and by the benchmarks).</summary>
public sealed class ZeroAllocationTests
{
    private const int Iterations = 20_000;

    private static long Measure(Action body) => AllocationMeter.SteadyStateBytes(body);

    [Fact]
    public void Reading_a_frame_header_extensions_and_blocks_allocates_nothing()
    {
        var frame = ExampleFrame.Bytes();
        ulong sink = 0;
        var allocated = Measure(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                if (!FrameLayout.TryParse(frame, out var layout, out _))
                {
                    continue;
                }

                var h = layout.Header;
                sink += h.SessionId.Value ^ h.NodeId.Value ^ h.Counter ^ (ulong)h.TimeHint;
                foreach (var e in layout.Extensions)
                {
                    sink += (ulong)e.Value.Length;
                }

                foreach (var block in new EventBlockReader(layout.Ciphertext))
                {
                    sink += block.StateId.Value + (ulong)block.Mutation.Bytes.Length + (ulong)block.VersionVector.Count;
                    foreach (var entry in block.VersionVector)
                    {
                        sink += entry.Counter;
                    }
                }

                sink += layout.Tag[0];
            }
        });
        Assert.Equal(0, allocated);
        Assert.NotEqual(0UL, sink);
    }

    [Fact]
    public void Writing_a_frame_allocates_nothing()
    {
        var frame = new byte[FrameLayout.MaxFrame];
        var header = new FrameHeader(0, CryptoSuite.ChaCha20Poly1305, FrameFlags.Extension, 38, new SessionId(1), new NodeId(2),
            PacketClass.Core, RepresentationProfile.Textual, 0, 1, 0);
        VersionVectorEntry[] vv = [new(new NodeId(2), 1), new(new NodeId(3), 9)];
        var value = new byte[40];
        var payloadLength = 0;
        var allocated = Measure(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                FrameHeaderWriter.TryCreate(frame, out var w);
                w.Write(header);
                w.Sequence = (ushort)i;
                var ext = new ExtensionWriter(frame.AsSpan(FrameLayout.HeaderSize));
                ext.TryWriteRelayHop(1);
                ext.TryWritePathId(2);
                ext.TryWriteEnd();
                var blocks = new EventBlockWriter(frame.AsSpan(ext.HeaderLength, FrameLayout.PayloadCapacity(ext.HeaderLength)));
                blocks.TryAppend(EventType.StateUpdate, new StateId(5), vv, Mutation.Set(value));
                blocks.TryAppend(EventType.StateUpdate, new StateId(6), vv, Mutation.Increment(i));
                blocks.TryAppend(EventType.VoiceFrame, new StateId(7), default, Mutation.Blend(0.5f, value));
                FrameLayout.TryCreate(frame, ext.HeaderLength, blocks.BytesWritten, out _);
                payloadLength = blocks.BytesWritten;
            }
        });
        Assert.Equal(0, allocated);
        Assert.Equal(88 + 54 + 60, payloadLength);
        Assert.True(FrameLayout.TryParse(frame.AsSpan(0, FrameLayout.FrameLength(38, payloadLength)), out var layout, out var status), status.ToString());
        Assert.True(EventBlockReader.TryValidate(layout.Ciphertext, out var count, out _, out _));
        Assert.Equal(3, count);
    }

    [Fact]
    public void Fragmenting_and_reassembling_allocates_nothing_in_steady_state()
    {
        var payload = new byte[4000];
        new Random(1).NextBytes(payload);
        var header = new FrameHeader(0, CryptoSuite.ChaCha20Poly1305, FrameFlags.None, 0, new SessionId(1), new NodeId(2),
            PacketClass.Core, RepresentationProfile.Textual, 0, 0, 0);
        var frame = new byte[FrameLayout.MaxFrame];
        var reassembler = new FragmentReassembler(new FragmentReassemblerOptions(), new FakeTimeProvider());
        var count = PayloadFragmenter.FragmentCount(payload.Length);
        long completed = 0;
        var allocated = Measure(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var first = header with { Sequence = (ushort)(i * count) };
                for (var f = 0; f < count; f++)
                {
                    PayloadFragmenter.TryWriteFragment(payload, f, first, default, frame, out var length);
                    FrameLayout.TryParse(frame.AsSpan(0, length), out var layout, out _);
                    layout.Extensions.TryGetFragmentInfo(out var info);
                    if (reassembler.Add(layout.Header, info, layout.Ciphertext, out _) == ReassemblyStatus.Complete)
                    {
                        completed++;
                    }
                }
            }
        });
        Assert.Equal(0, allocated);
        Assert.Equal(6_000, completed);
    }
}
