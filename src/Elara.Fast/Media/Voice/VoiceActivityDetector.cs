namespace Elara.Fast.Media.Voice;

/// <summary>
/// A per-stream voice-activity flag from frame levels: a frame is active when its level stands
/// <see cref="MarginDb"/> above the tracked noise floor and above <see cref="AbsoluteThresholdDbfs"/>; a hangover
/// keeps the flag up for <see cref="HangoverFrames"/> frames after the last active one so word endings and
/// short pauses are not clipped. The noise floor follows a quieter frame at once and rises by at most
/// <see cref="FloorRiseDbPerFrame"/> per frame, so steady speech does not become "noise".
/// </summary>
/// <remarks>A mutable struct: keep it in a field (not a readonly one) and update it in place. Deterministic.</remarks>
public struct VoiceActivityDetector
{
    /// <summary>How far above the noise floor a frame must be, in dB.</summary>
    public const double MarginDb = 9;

    /// <summary>Frames below this level are never active, in dBFS.</summary>
    public const double AbsoluteThresholdDbfs = -55;

    /// <summary>The most the floor rises per frame, in dB.</summary>
    public const double FloorRiseDbPerFrame = 0.1;

    /// <summary>Frames the flag stays up after the last active one (300 ms of 20 ms frames).</summary>
    public const int HangoverFrames = 15;

    private double floorDbfs;
    private int hangover;
    private bool started;

    /// <summary>The current noise-floor estimate in dBFS.</summary>
    public readonly double NoiseFloorDbfs => started ? floorDbfs : VoiceLevel.SilenceDbfs;

    /// <summary>Feeds one frame's level and returns the activity flag for that frame.</summary>
    /// <param name="levelDbfs">The frame's level (<see cref="VoiceLevel.Dbfs"/>).</param>
    /// <returns>True while the stream is speaking (including the hangover).</returns>
    public bool Update(double levelDbfs)
    {
        if (!started)
        {
            // Start the floor at the threshold, not at the first frame: a stream that opens mid-word is still speech.
            floorDbfs = AbsoluteThresholdDbfs - MarginDb;
            started = true;
        }

        var speech = levelDbfs > AbsoluteThresholdDbfs && levelDbfs > floorDbfs + MarginDb;
        floorDbfs = levelDbfs < floorDbfs ? levelDbfs : Math.Min(levelDbfs, floorDbfs + FloorRiseDbPerFrame);
        if (speech)
        {
            hangover = HangoverFrames;
            return true;
        }

        if (hangover > 0)
        {
            hangover--;
            return true;
        }

        return false;
    }
}
