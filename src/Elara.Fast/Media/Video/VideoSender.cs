using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Video;

/// <summary>What <see cref="VideoSender.Encode"/> produced.</summary>
public enum VideoEncodeKind : byte
{
    /// <summary>Nothing to send (frozen, or a frame skipped between keyframes).</summary>
    None = 0,
    /// <summary>A VisualKeyframe payload.</summary>
    Keyframe,
    /// <summary>A VisualDelta payload.</summary>
    Delta,
}

/// <summary>
/// Turns full-resolution source frames into keyframe and delta payloads at the level the ladder picks. The frames at
/// each resolution and the SAD scratch are allocated once; encoding allocates nothing.
/// </summary>
public sealed class VideoSender
{
    private readonly I420Frame[] _scaled = new I420Frame[3];
    private readonly I420Frame[] _lastSent = new I420Frame[3];
    private readonly uint[] _sadScratch;
    private readonly VectorWidth _vectorWidth;
    private int _lastResolution = -1;
    private int _framesSinceKeyframe;
    private bool _keyframeRequested;
    private uint _frameNumber;

    /// <summary>Creates a sender for source frames of the given size.</summary>
    /// <param name="width">Source luma width (for example 640 for VideoHigh).</param>
    /// <param name="height">Source luma height.</param>
    /// <param name="keyframeInterval">Frames between keyframes (and between frames sent at <see cref="VideoLevel.KeyframesOnly"/>).</param>
    /// <param name="changeThreshold">A block whose SAD is at or below this is treated as unchanged (0: any change is sent).</param>
    /// <param name="vectorWidth">The SIMD width of the kernels; default the widest the CPU offers.</param>
    public VideoSender(int width, int height, int keyframeInterval = 60, uint changeThreshold = 0, VectorWidth? vectorWidth = null)
    {
        if (keyframeInterval < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(keyframeInterval), "The keyframe interval is at least 1.");
        }

        _vectorWidth = vectorWidth ?? VectorWidths.Widest;
        KeyframeInterval = keyframeInterval;
        ChangeThreshold = changeThreshold;
        for (var r = 0; r < 3; r++)
        {
            _scaled[r] = new I420Frame(width, height);
            _lastSent[r] = new I420Frame(width, height);
            width = PlaneDownscaler.HalfOf(width);
            height = PlaneDownscaler.HalfOf(height);
        }

        _sadScratch = new uint[BlockSad.BlocksAlong(_scaled[0].Width) * BlockSad.BlocksAlong(_scaled[0].Height)];
    }

    /// <summary>Frames between keyframes.</summary>
    public int KeyframeInterval { get; }

    /// <summary>SAD at or below which a block counts as unchanged.</summary>
    public uint ChangeThreshold { get; }

    /// <summary>The largest payload <see cref="Encode"/> can produce: size the destination with it.</summary>
    public int MaxPayloadSize => Math.Max(VideoPayload.KeyframeSize(_scaled[0].Width, _scaled[0].Height), VideoPayload.MaxDeltaSize(_scaled[0].Width, _scaled[0].Height));

    /// <summary>The resolution of the last payload (for the receiver's expectations and for tests).</summary>
    public I420Frame? LastSent => _lastResolution < 0 ? null : _lastSent[_lastResolution];

    /// <summary>Asks for a keyframe next (a receiver lost a delta and said so).</summary>
    public void RequestKeyframe() => _keyframeRequested = true;

    /// <summary>Encodes <paramref name="source"/> at <paramref name="level"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The source is not the size this sender was made for.</exception>
    public VideoEncodeKind Encode(I420Frame source, VideoLevel level, Span<byte> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(source);
        written = 0;
        if (source.Width != _scaled[0].Width || source.Height != _scaled[0].Height)
        {
            ThrowHelper.ThrowArgument(nameof(source), "The source frame is not the size this sender was made for.");
        }

        if (level == VideoLevel.Frozen)
        {
            return VideoEncodeKind.None;
        }

        var resolution = level switch
        {
            VideoLevel.Full => 0,
            VideoLevel.Half => 1,
            _ => 2,
        };
        if (resolution == 0)
        {
            // Full size: a private copy, so numbering the frame never touches the caller's.
            _scaled[0].CopyFrom(source);
        }
        else
        {
            // Lower levels downscale straight from the caller's frame: no full-size copy per frame.
            source.DownscaleInto(_scaled[1], _vectorWidth);
            for (var r = 2; r <= resolution; r++)
            {
                _scaled[r - 1].DownscaleInto(_scaled[r], _vectorWidth);
            }
        }

        var frame = _scaled[resolution];
        // The sender numbers what it encodes, so a receiver can tell which frame a delta patches.
        frame.FrameNumber = ++_frameNumber;
        _framesSinceKeyframe++;
        var keyframeDue = _keyframeRequested || resolution != _lastResolution || _framesSinceKeyframe >= KeyframeInterval;
        if (level == VideoLevel.KeyframesOnly && !keyframeDue)
        {
            return VideoEncodeKind.None;
        }

        if (keyframeDue)
        {
            if (VideoPayload.WriteKeyframe(frame, destination, out written) != VideoPayloadStatus.Ok)
            {
                ThrowHelper.ThrowArgument(nameof(destination), "Too small: size it with MaxPayloadSize.");
            }

            Sent(resolution, frame);
            _framesSinceKeyframe = 0;
            _keyframeRequested = false;
            return VideoEncodeKind.Keyframe;
        }

        if (VideoPayload.WriteDelta(frame, _lastSent[resolution], ChangeThreshold, _sadScratch, destination, out written, _vectorWidth) != VideoPayloadStatus.Ok)
        {
            ThrowHelper.ThrowArgument(nameof(destination), "Too small: size it with MaxPayloadSize.");
        }

        // With a threshold, the receiver holds the old pixels of blocks judged unchanged: mirror exactly what it holds.
        VideoPayload.ApplyDelta(destination[..written], _lastSent[resolution]);
        _lastResolution = resolution;
        return VideoEncodeKind.Delta;
    }

    private void Sent(int resolution, I420Frame frame)
    {
        _lastSent[resolution].CopyFrom(frame);
        _lastResolution = resolution;
    }
}
