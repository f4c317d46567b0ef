using Elara.Fast.Media;
using Elara.Fast.Media.Video;
using Elara.Fast.Primitives;

namespace Elara.Fast.Tests.Media.Video;

/// <summary>Sender → receiver over the degradation ladder, with loss.</summary>
public sealed class VideoPipelineTests
{
    private const int Width = 640, Height = 480;

    /// <summary>A moving gradient with a bright square, so deltas carry some blocks but not all.</summary>
    private static void Paint(I420Frame frame, int t)
    {
        for (var y = 0; y < frame.Height; y++)
        {
            for (var x = 0; x < frame.Width; x++)
            {
                var inSquare = x >= 4 * t && x < (4 * t) + 48 && y >= 100 && y < 148;
                frame.Y[y * frame.Width + x] = inSquare ? (byte)250 : (byte)((x + y) / 5);
            }
        }

        frame.U.Fill((byte)(100 + t));
        frame.V.Fill(140);
    }

    private static I420Frame Downscaled(I420Frame source, int times)
    {
        var frame = source;
        for (var i = 0; i < times; i++)
        {
            var half = new I420Frame(PlaneDownscaler.HalfOf(frame.Width), PlaneDownscaler.HalfOf(frame.Height));
            frame.DownscaleInto(half, VectorWidth.Scalar);
            frame = half;
        }

        return frame;
    }

    [Theory]
    [InlineData(VideoLevel.Full, 0, 640, 480)]
    [InlineData(VideoLevel.Half, 1, 320, 240)]
    [InlineData(VideoLevel.Quarter, 2, 160, 120)]
    public void The_receiver_shows_exactly_the_scaled_source_at_each_level(VideoLevel level, int halvings, int w, int h)
    {
        var sender = new VideoSender(Width, Height, keyframeInterval: 30);
        var receiver = new VideoReceiver();
        var source = new I420Frame(Width, Height);
        var payload = new byte[sender.MaxPayloadSize];
        for (var t = 0; t < 6; t++)
        {
            Paint(source, t);
            var kind = sender.Encode(source, level, payload, out var written);
            Assert.Equal(t == 0 ? VideoEncodeKind.Keyframe : VideoEncodeKind.Delta, kind);
            var eventType = kind == VideoEncodeKind.Keyframe ? EventType.VisualKeyframe : EventType.VisualDelta;
            Assert.Equal(VideoPayloadStatus.Ok, receiver.Accept(eventType, payload.AsSpan(0, written)));
            var expected = Downscaled(source, halvings);
            Assert.Equal((w, h), (receiver.Current!.Width, receiver.Current.Height));
            Assert.True(expected.Data.SequenceEqual(receiver.Current.Data), $"frame {t} differs");
        }

        Assert.Equal(1, receiver.KeyframesApplied);
        Assert.Equal(5, receiver.DeltasApplied);
    }

    [Fact]
    public void A_lost_delta_freezes_the_last_frame_until_the_next_keyframe()
    {
        var sender = new VideoSender(Width, Height, keyframeInterval: 100);
        var receiver = new VideoReceiver();
        var source = new I420Frame(Width, Height);
        var payload = new byte[sender.MaxPayloadSize];

        Paint(source, 0);
        sender.Encode(source, VideoLevel.Full, payload, out var written);
        receiver.Accept(EventType.VisualKeyframe, payload.AsSpan(0, written));
        var shown = receiver.Current!.Data.ToArray();

        Paint(source, 1);
        sender.Encode(source, VideoLevel.Full, payload, out _); // lost on the way
        Paint(source, 2);
        Assert.Equal(VideoEncodeKind.Delta, sender.Encode(source, VideoLevel.Full, payload, out written));
        Assert.Equal(VideoPayloadStatus.BaseMismatch, receiver.Accept(EventType.VisualDelta, payload.AsSpan(0, written)));
        Assert.True(receiver.KeyframeNeeded);
        Assert.True(shown.AsSpan().SequenceEqual(receiver.Current.Data), "the held frame changed");

        sender.RequestKeyframe();
        Paint(source, 3);
        Assert.Equal(VideoEncodeKind.Keyframe, sender.Encode(source, VideoLevel.Full, payload, out written));
        Assert.Equal(VideoPayloadStatus.Ok, receiver.Accept(EventType.VisualKeyframe, payload.AsSpan(0, written)));
        Assert.False(receiver.KeyframeNeeded);
        Assert.True(source.Data.SequenceEqual(receiver.Current.Data));
    }

    [Fact]
    public void Changing_resolution_sends_a_keyframe_and_keyframes_only_skips_the_frames_between()
    {
        var sender = new VideoSender(Width, Height, keyframeInterval: 4);
        var source = new I420Frame(Width, Height);
        var payload = new byte[sender.MaxPayloadSize];
        var kinds = new List<VideoEncodeKind>();
        VideoLevel[] levels = [VideoLevel.Full, VideoLevel.Full, VideoLevel.Half, VideoLevel.Half, VideoLevel.Quarter,
            VideoLevel.KeyframesOnly, VideoLevel.KeyframesOnly, VideoLevel.KeyframesOnly, VideoLevel.KeyframesOnly, VideoLevel.Frozen];
        for (var t = 0; t < levels.Length; t++)
        {
            Paint(source, t);
            kinds.Add(sender.Encode(source, levels[t], payload, out _));
        }

        VideoEncodeKind[] expected = [VideoEncodeKind.Keyframe, VideoEncodeKind.Delta, VideoEncodeKind.Keyframe, VideoEncodeKind.Delta,
            VideoEncodeKind.Keyframe, VideoEncodeKind.None, VideoEncodeKind.None, VideoEncodeKind.None, VideoEncodeKind.Keyframe, VideoEncodeKind.None];
        Assert.Equal(expected, kinds);
    }

    [Fact]
    public void With_a_change_threshold_sender_and_receiver_stay_in_step()
    {
        var sender = new VideoSender(Width, Height, keyframeInterval: 100, changeThreshold: 500);
        var receiver = new VideoReceiver();
        var source = new I420Frame(Width, Height);
        var payload = new byte[sender.MaxPayloadSize];
        for (var t = 0; t < 8; t++)
        {
            Paint(source, t);
            var kind = sender.Encode(source, VideoLevel.Full, payload, out var written);
            var eventType = kind == VideoEncodeKind.Keyframe ? EventType.VisualKeyframe : EventType.VisualDelta;
            Assert.Equal(VideoPayloadStatus.Ok, receiver.Accept(eventType, payload.AsSpan(0, written)));
            Assert.True(sender.LastSent!.Data.SequenceEqual(receiver.Current!.Data));
        }
    }

    [Fact]
    public void Encoding_and_applying_a_delta_allocate_nothing_in_steady_state()
    {
        var sender = new VideoSender(Width, Height, keyframeInterval: 1000);
        var receiver = new VideoReceiver();
        var source = new I420Frame(Width, Height);
        var payload = new byte[sender.MaxPayloadSize];
        Paint(source, 0);
        // Warm up past tiered compilation, so what is measured is the steady state.
        for (var t = 0; t < 300; t++)
        {
            source.Y[t] ^= 0x55;
            var kind = sender.Encode(source, VideoLevel.Half, payload, out var w);
            receiver.Accept(kind == VideoEncodeKind.Keyframe ? EventType.VisualKeyframe : EventType.VisualDelta, payload.AsSpan(0, w));
        }

        // Assertions allocate; gather results in a pre-sized array and check them after the measured loop.
        var statuses = new VideoPayloadStatus[20];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var t = 0; t < statuses.Length; t++)
        {
            source.Y[300 + t] ^= 0x55;
            sender.Encode(source, VideoLevel.Half, payload, out var written);
            statuses[t] = receiver.Accept(EventType.VisualDelta, payload.AsSpan(0, written));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.All(statuses, s => Assert.Equal(VideoPayloadStatus.Ok, s));
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_ladder_steps_down_fast_recovers_slowly_and_holds_in_the_dead_band()
    {
        var ladder = new VideoDegradationLadder(degradeAbove: 1.0, recoverBelow: 0.7, degradeAfter: 2, recoverAfter: 3);
        Assert.Equal(VideoLevel.Full, ladder.Update(1.5));
        Assert.Equal(VideoLevel.Half, ladder.Update(1.5));
        Assert.Equal(VideoLevel.Half, ladder.Update(0.9)); // dead band resets the streak
        Assert.Equal(VideoLevel.Half, ladder.Update(1.5));
        Assert.Equal(VideoLevel.Quarter, ladder.Update(1.5));
        for (var i = 0; i < 10; i++)
        {
            ladder.Update(3.0);
        }

        Assert.Equal(VideoLevel.Frozen, ladder.Level);
        Assert.Equal(VideoLevel.Frozen, ladder.Update(0.1));
        Assert.Equal(VideoLevel.Frozen, ladder.Update(0.1));
        Assert.Equal(VideoLevel.KeyframesOnly, ladder.Update(0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VideoDegradationLadder(degradeAbove: 0.5, recoverBelow: 0.7));
    }
}
