using System.Buffers.Binary;
using CsCheck;
using Elara.Fast.Media;
using Elara.Fast.Media.Video;
using Elara.Fast.Primitives;

namespace Elara.Fast.Tests.Media.Video;

public sealed class VideoPayloadTests
{
    private static I420Frame RandomFrame(int w, int h, int seed, uint number)
    {
        var frame = new I420Frame(w, h) { FrameNumber = number };
        new Random(seed).NextBytes(frame.Data);
        return frame;
    }

    /// <summary>A copy of <paramref name="source"/> with <paramref name="changes"/> random pixels rewritten.</summary>
    private static I420Frame Mutate(I420Frame source, int changes, int seed, uint number)
    {
        var frame = new I420Frame(source.Width, source.Height);
        frame.CopyFrom(source);
        frame.FrameNumber = number;
        var random = new Random(seed);
        for (var i = 0; i < changes; i++)
        {
            frame.Data[random.Next(frame.Data.Length)] ^= (byte)(1 + random.Next(255));
        }

        return frame;
    }

    private static byte[] Delta(I420Frame current, I420Frame previous, uint threshold = 0)
    {
        var buffer = new byte[VideoPayload.MaxDeltaSize(current.Width, current.Height)];
        var scratch = new uint[BlockSad.BlocksAlong(current.Width) * BlockSad.BlocksAlong(current.Height)];
        Assert.Equal(VideoPayloadStatus.Ok, VideoPayload.WriteDelta(current, previous, threshold, scratch, buffer, out var written, VectorWidths.Widest));
        return buffer[..written];
    }

    [Theory]
    [InlineData(640, 480)]
    [InlineData(161, 119)]
    [InlineData(17, 1)]
    public void A_delta_applied_to_the_previous_frame_reproduces_the_current_one(int w, int h)
    {
        var previous = RandomFrame(w, h, 1, 7);
        var current = Mutate(previous, 40, 2, 8);
        var delta = Delta(current, previous);
        var held = new I420Frame(w, h);
        held.CopyFrom(previous);
        Assert.Equal(VideoPayloadStatus.Ok, VideoPayload.ApplyDelta(delta, held));
        Assert.True(current.Data.SequenceEqual(held.Data));
        Assert.Equal(8u, held.FrameNumber);
    }

    [Fact]
    public void A_delta_carries_only_the_changed_blocks()
    {
        var previous = RandomFrame(64, 32, 3, 1);
        var current = Mutate(previous, 0, 0, 2);
        current.Y[5 * 64 + 40] ^= 0xFF; // luma block (2,0) of 4×2
        var delta = Delta(current, previous);
        // Header, three plane counts, one block: index + 256 pixels.
        Assert.Equal(VideoPayload.DeltaHeaderSize + 6 + 2 + 256, delta.Length);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(delta.AsSpan(VideoPayload.DeltaHeaderSize)));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(delta.AsSpan(VideoPayload.DeltaHeaderSize + 2)));
    }

    [Fact]
    public void A_delta_for_another_base_frame_is_refused_and_changes_nothing()
    {
        var previous = RandomFrame(48, 48, 4, 10);
        var current = Mutate(previous, 30, 5, 11);
        var delta = Delta(current, previous);
        var held = RandomFrame(48, 48, 6, 9);
        var before = held.Data.ToArray();
        Assert.Equal(VideoPayloadStatus.BaseMismatch, VideoPayload.ApplyDelta(delta, held));
        Assert.True(before.AsSpan().SequenceEqual(held.Data));
        Assert.Equal(9u, held.FrameNumber);
    }

    [Fact]
    public void Every_truncation_of_a_delta_is_refused_without_touching_the_frame()
    {
        var previous = RandomFrame(40, 24, 7, 1);
        var current = Mutate(previous, 25, 8, 2);
        var delta = Delta(current, previous);
        var held = new I420Frame(40, 24);
        for (var length = 0; length < delta.Length; length++)
        {
            held.CopyFrom(previous);
            var status = VideoPayload.ApplyDelta(delta.AsSpan(0, length), held);
            Assert.NotEqual(VideoPayloadStatus.Ok, status);
            Assert.True(previous.Data.SequenceEqual(held.Data), $"length {length} changed pixels");
        }
    }

    [Fact]
    public void Repeated_or_out_of_range_block_indices_are_refused()
    {
        var previous = RandomFrame(32, 16, 9, 1);
        var current = Mutate(previous, 0, 0, 2);
        current.Y[0] ^= 1;
        current.Y[20] ^= 1;
        var delta = Delta(current, previous); // luma blocks 0 and 1
        var firstIndexAt = VideoPayload.DeltaHeaderSize + 2;
        var secondIndexAt = firstIndexAt + 2 + 256;
        var held = new I420Frame(32, 16);

        var repeated = (byte[])delta.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(repeated.AsSpan(secondIndexAt), 0);
        held.CopyFrom(previous);
        Assert.Equal(VideoPayloadStatus.BlocksNotIncreasing, VideoPayload.ApplyDelta(repeated, held));

        var outOfRange = (byte[])delta.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(outOfRange.AsSpan(secondIndexAt), 2);
        held.CopyFrom(previous);
        Assert.Equal(VideoPayloadStatus.BlockIndexOutOfRange, VideoPayload.ApplyDelta(outOfRange, held));

        var trailing = delta.Concat(new byte[] { 0 }).ToArray();
        held.CopyFrom(previous);
        Assert.Equal(VideoPayloadStatus.TrailingBytes, VideoPayload.ApplyDelta(trailing, held));
    }

    [Fact]
    public void Random_payloads_never_throw_and_a_refused_one_never_changes_the_frame()
    {
        var previous = RandomFrame(33, 17, 10, 0);
        var held = new I420Frame(33, 17);
        var receiver = new VideoReceiver();
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            held.CopyFrom(previous);
            // Make about half of the inputs name the held frame, so they get past the header checks.
            if (bytes.Length >= VideoPayload.DeltaHeaderSize && (bytes[0] & 1) == 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 0);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 33);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), 17);
            }

            if (VideoPayload.ApplyDelta(bytes, held) != VideoPayloadStatus.Ok)
            {
                Assert.True(previous.Data.SequenceEqual(held.Data));
            }

            receiver.Accept(EventType.VisualKeyframe, bytes);
            receiver.Accept(EventType.VisualDelta, bytes);
        }, iter: 20_000);
    }

    [Fact]
    public void A_keyframe_round_trips_and_announces_its_size()
    {
        var frame = RandomFrame(161, 119, 11, 42);
        var buffer = new byte[VideoPayload.KeyframeSize(161, 119)];
        Assert.Equal(VideoPayloadStatus.Ok, VideoPayload.WriteKeyframe(frame, buffer, out var written));
        Assert.Equal(8 + 161 * 119 + 2 * 81 * 60, written);
        Assert.Equal(VideoPayloadStatus.Ok, VideoPayload.ReadKeyframeHeader(buffer, out var number, out var w, out var h));
        Assert.Equal((42u, 161, 119), (number, w, h));
        var copy = new I420Frame(161, 119);
        Assert.Equal(VideoPayloadStatus.Ok, VideoPayload.ApplyKeyframe(buffer, copy));
        Assert.True(frame.Data.SequenceEqual(copy.Data));
        Assert.Equal(VideoPayloadStatus.DestinationTooSmall, VideoPayload.WriteKeyframe(frame, buffer.AsSpan(1), out _));
    }

    [Fact]
    public void A_keyframe_announcing_an_oversized_frame_is_refused_before_any_allocation()
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 65535);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 65535);
        Assert.Equal(VideoPayloadStatus.DimensionsOutOfRange, VideoPayload.ReadKeyframeHeader(header, out _, out _, out _));
        var receiver = new VideoReceiver();
        Assert.Equal(VideoPayloadStatus.DimensionsOutOfRange, receiver.Accept(EventType.VisualKeyframe, header));
        Assert.Null(receiver.Current);
    }
}
