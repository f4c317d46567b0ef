namespace Elara.Fast.Media.Video;

/// <summary>The steps of the video degradation ladder, best first.</summary>
public enum VideoLevel : byte
{
    /// <summary>The stream's own resolution, keyframes and deltas.</summary>
    Full = 0,
    /// <summary>Half resolution (2×2 box downscale), keyframes and deltas.</summary>
    Half = 1,
    /// <summary>Quarter resolution, keyframes and deltas.</summary>
    Quarter = 2,
    /// <summary>Quarter-resolution keyframes only, one per keyframe interval; no deltas.</summary>
    KeyframesOnly = 3,
    /// <summary>Nothing is sent; the receiver holds the last frame.</summary>
    Frozen = 4,
}
