using CsCheck;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Wire;

public sealed class PropertyTests
{
    [Fact]
    public void Any_header_round_trips_through_writer_and_reader()
    {
        WireGen.Header.Sample(header =>
        {
            var frame = new byte[FrameLayout.MinFrame];
            Assert.True(FrameHeaderWriter.TryWrite(frame, header));
            Assert.True(FrameHeaderReader.TryRead(frame, out var reader, out var status), status.ToString());
            Assert.Equal(header, reader.ToHeader());
        }, iter: 2000);
    }

    [Fact]
    public void Any_extension_set_round_trips_in_order()
    {
        WireGen.Extensions.Sample(t =>
        {
            var area = new byte[ExtensionWriter.MaxAreaLength];
            var length = WireGen.Write(area, t.Extensions, t.End);
            var read = new List<ExtensionModel>();
            var reader = new ExtensionReader(area.AsSpan(0, length));
            while (reader.MoveNext())
            {
                read.Add(new ExtensionModel((byte)reader.Current.Type, reader.Current.Value.ToArray()));
            }

            Assert.Equal(WireStatus.Ok, reader.Status);
            Assert.Equal(length, reader.Offset);
            Assert.Equal(t.Extensions.Select(e => e.ToString()), read.Select(e => e.ToString()));
        }, iter: 2000);
    }

    [Fact]
    public void Any_block_list_round_trips_through_writer_and_reader()
    {
        WireGen.Blocks.Sample(blocks =>
        {
            var buffer = new byte[blocks.Sum(b => b.EncodedLength)];
            var writer = new EventBlockWriter(buffer);
            foreach (var b in blocks)
            {
                Assert.Equal(WireStatus.Ok, b.AppendTo(ref writer));
            }

            Assert.Equal(0, writer.Remaining);
            var read = new List<BlockModel>();
            foreach (var block in new EventBlockReader(buffer))
            {
                read.Add(BlockModel.Read(block));
            }

            Assert.Equal(blocks.Length, read.Count);
            for (var i = 0; i < blocks.Length; i++)
            {
                Assert.True(blocks[i].SameAs(read[i]), $"block {i}: wrote {blocks[i]}, read {read[i]}");
            }

            Assert.True(EventBlockReader.TryValidate(buffer, out var count, out _, out _));
            Assert.Equal(blocks.Length, count);
        }, iter: 2000);
    }

    [Fact]
    public void Any_whole_frame_parses_back_to_what_was_written()
    {
        Gen.Select(WireGen.Header, WireGen.Extensions, WireGen.Blocks).Sample((header, ext, blocks) =>
        {
            var frame = new byte[FrameLayout.MaxFrame];
            var extLength = WireGen.Write(frame.AsSpan(FrameLayout.HeaderSize), ext.Extensions, ext.End);
            var hasFragment = ext.Extensions.Any(e => e.Type == (byte)ExtensionType.FragmentInfo);
            var flags = header.Flags & ~(FrameFlags.Extension | FrameFlags.Fragment);
            flags |= extLength > 0 ? FrameFlags.Extension : FrameFlags.None;
            flags |= hasFragment ? FrameFlags.Fragment : FrameFlags.None;
            var written = header with { Flags = flags, HeaderLength = (ushort)(FrameLayout.HeaderSize + extLength) };
            Assert.True(FrameHeaderWriter.TryWrite(frame, written));

            var payload = new EventBlockWriter(frame.AsSpan(written.HeaderLength, FrameLayout.PayloadCapacity(written.HeaderLength)));
            var fitted = 0;
            foreach (var b in blocks)
            {
                var status = b.AppendTo(ref payload);
                if (status == WireStatus.DestinationTooSmall)
                {
                    break;
                }

                Assert.Equal(WireStatus.Ok, status);
                fitted++;
            }

            var length = FrameLayout.FrameLength(written.HeaderLength, payload.BytesWritten);
            Assert.True(length <= FrameLayout.MaxFrame);
            var datagram = frame.AsSpan(0, length);
            Assert.True(FrameLayout.TryParse(datagram, out var layout, out var parsed, out var offset), parsed.ToString());
            Assert.Equal(written.HeaderLength, offset);
            Assert.Equal(written, layout.Header.ToHeader());
            Assert.Equal(payload.BytesWritten, layout.Ciphertext.Length);
            var reader = new EventBlockReader(layout.Ciphertext);
            var i = 0;
            while (reader.MoveNext())
            {
                Assert.True(blocks[i].SameAs(BlockModel.Read(reader.Current)));
                i++;
            }

            Assert.Equal(WireStatus.Ok, reader.Status);
            Assert.Equal(fitted, i);
        }, iter: 1000);
    }

    [Fact]
    public void Fragmenting_and_reassembling_any_payload_gives_it_back_whatever_the_arrival_order()
    {
        Gen.Select(Gen.Int[1, 20_000], Gen.Int, WireGen.Header).Sample((size, seed, header) =>
        {
            var random = new Random(seed);
            var payload = new byte[size];
            random.NextBytes(payload);
            var count = PayloadFragmenter.FragmentCount(size);
            var frames = new byte[count][];
            for (var i = 0; i < count; i++)
            {
                var buffer = new byte[FrameLayout.MaxFrame];
                Assert.Equal(WireStatus.Ok, PayloadFragmenter.TryWriteFragment(payload, i, header, default, buffer, out var length));
                frames[i] = buffer[..length];
            }

            random.Shuffle(frames);
            var reassembler = new FragmentReassembler(new FragmentReassemblerOptions(), TimeProvider.System);
            byte[]? result = null;
            foreach (var frame in frames)
            {
                Assert.True(FrameLayout.TryParse(frame, out var layout, out var status), status.ToString());
                Assert.True(layout.Extensions.TryGetFragmentInfo(out var info));
                if (reassembler.Add(layout.Header, info, layout.Ciphertext, out var assembled) == ReassemblyStatus.Complete)
                {
                    result = assembled.ToArray();
                }
            }

            Assert.Equal(payload, result);
        }, iter: 200);
    }
}
