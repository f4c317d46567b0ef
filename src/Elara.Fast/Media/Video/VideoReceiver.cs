using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Video;

/// <summary>
/// Holds the picture a receiver shows. Keyframes replace it (at any supported size); deltas patch it only when they
/// were built against exactly the frame held. A delta that does not fit — its base frame was lost — is refused and the
/// last good frame stays on screen (video loss concealment is "hold the last frame") until the next keyframe, which
/// <see cref="KeyframeNeeded"/> asks the sender for.
/// </summary>
public sealed class VideoReceiver
{
    private I420Frame? _frame;

    /// <summary>The picture to show, or null before the first keyframe.</summary>
    public I420Frame? Current => _frame;

    /// <summary>True after a refused delta until a keyframe arrives.</summary>
    public bool KeyframeNeeded { get; private set; }

    /// <summary>Keyframes applied.</summary>
    public long KeyframesApplied { get; private set; }

    /// <summary>Deltas applied.</summary>
    public long DeltasApplied { get; private set; }

    /// <summary>Payloads refused (damaged, or a delta whose base was not held); the held frame was kept.</summary>
    public long Refused { get; private set; }

    /// <summary>Applies a VisualKeyframe or VisualDelta payload.</summary>
    public VideoPayloadStatus Accept(EventType eventType, ReadOnlySpan<byte> payload)
    {
        var status = eventType switch
        {
            EventType.VisualKeyframe => AcceptKeyframe(payload),
            EventType.VisualDelta => _frame is null ? VideoPayloadStatus.BaseMismatch : VideoPayload.ApplyDelta(payload, _frame),
            _ => VideoPayloadStatus.TooShort,
        };
        if (status == VideoPayloadStatus.Ok)
        {
            if (eventType == EventType.VisualKeyframe)
            {
                KeyframesApplied++;
                KeyframeNeeded = false;
            }
            else
            {
                DeltasApplied++;
            }
        }
        else
        {
            Refused++;
            KeyframeNeeded |= status == VideoPayloadStatus.BaseMismatch || status == VideoPayloadStatus.DimensionsMismatch;
        }

        return status;
    }

    private VideoPayloadStatus AcceptKeyframe(ReadOnlySpan<byte> payload)
    {
        var status = VideoPayload.ReadKeyframeHeader(payload, out _, out var width, out var height);
        if (status != VideoPayloadStatus.Ok)
        {
            return status;
        }

        // A resolution change (the sender moved on the ladder) is the only time a receiver allocates.
        if (_frame is null || _frame.Width != width || _frame.Height != height)
        {
            _frame = new I420Frame(width, height);
        }

        return VideoPayload.ApplyKeyframe(payload, _frame);
    }
}
