namespace Elara.Fast.Media.Voice;

/// <summary>A snapshot of a <see cref="VoiceJitterBuffer"/>'s figures, the ones a media engineer asks for first.</summary>
public readonly record struct JitterBufferStatistics
{
    /// <summary>Frames accepted into the buffer.</summary>
    public long Received { get; init; }

    /// <summary>Frames played as received.</summary>
    public long Played { get; init; }

    /// <summary>Frames that arrived after their playout time (dropped).</summary>
    public long Late { get; init; }

    /// <summary>Frames that were missing at their playout time while newer ones were buffered (concealed).</summary>
    public long Lost { get; init; }

    /// <summary>Frames of concealment played (losses plus underruns).</summary>
    public long Concealed { get; init; }

    /// <summary>Reads that found nothing to play: the buffer ran dry and stretched the delay by one frame.</summary>
    public long Underruns { get; init; }

    /// <summary>Copies of a frame already buffered or played (ignored).</summary>
    public long Duplicates { get; init; }

    /// <summary>Buffered frames dropped to bring the delay back down to the target.</summary>
    public long DiscardedForDelay { get; init; }

    /// <summary>Times a frame arrived too far ahead for the capacity and the buffer restarted from it.</summary>
    public long Resyncs { get; init; }

    /// <summary>Buffered frames thrown away by those restarts.</summary>
    public long Overflowed { get; init; }

    /// <summary>Frames refused because their length was not the configured frame length.</summary>
    public long Malformed { get; init; }

    /// <summary>The RFC 3550 interarrival jitter estimate.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>The playout delay the buffer aims at (follows the jitter).</summary>
    public TimeSpan TargetDelay { get; init; }

    /// <summary>The delay now: frames queued from the playout point to the newest frame, times the frame duration.</summary>
    public TimeSpan CurrentDelay { get; init; }
}
