using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// The rungs of the voice degradation ladder, best first. Each step below the first costs less bandwidth
/// and fewer, smaller packets; the receiver renders every step back to 48 kHz PCM16.
/// </summary>
public enum VoiceStep : byte
{
    /// <summary>48 kHz PCM16, 10 ms frames (768 kbit/s of payload): <see cref="RepresentationProfile.VoiceHigh"/>.</summary>
    High = 0,

    /// <summary>16 kHz PCM16, 20 ms frames (256 kbit/s): <see cref="RepresentationProfile.VoiceStandard"/>.</summary>
    Standard = 1,

    /// <summary>8 kHz G.711 µ-law or A-law, 20 ms frames (64 kbit/s): <see cref="RepresentationProfile.VoiceMinimal"/>.</summary>
    Minimal = 2,

    /// <summary>One level byte per 20 ms frame (RFC 3389 noise level, 400 bit/s); the receiver plays comfort noise at that level.</summary>
    Envelope = 3,

    /// <summary>Nothing but a silence marker (an empty payload).</summary>
    Silence = 4,
}

/// <summary>What each <see cref="VoiceStep"/> carries.</summary>
public static class VoiceSteps
{
    /// <summary>The number of steps.</summary>
    public const int Count = 5;

    /// <summary>The payload bit rate of a step, in bit/s.</summary>
    /// <param name="step">The step.</param>
    /// <returns>The bit rate.</returns>
    public static long BitsPerSecond(VoiceStep step) => step switch
    {
        VoiceStep.High => 48_000 * 16,
        VoiceStep.Standard => 16_000 * 16,
        VoiceStep.Minimal => 8_000 * 8,
        VoiceStep.Envelope => 8 * 50,
        _ => 0,
    };

    /// <summary>The sample rate a step carries, in Hz (0 for the envelope and silence).</summary>
    /// <param name="step">The step.</param>
    /// <returns>The sample rate.</returns>
    public static int SampleRate(VoiceStep step) => step switch
    {
        VoiceStep.High => 48_000,
        VoiceStep.Standard => 16_000,
        VoiceStep.Minimal => 8_000,
        _ => 0,
    };

    /// <summary>The frame duration a step is sent in, in milliseconds.</summary>
    /// <param name="step">The step.</param>
    /// <returns>10 for <see cref="VoiceStep.High"/>, 20 otherwise.</returns>
    public static int FrameMilliseconds(VoiceStep step) => step == VoiceStep.High ? 10 : 20;

    /// <summary>The representation profile a step travels under (the envelope and silence travel as VoiceMinimal).</summary>
    /// <param name="step">The step.</param>
    /// <returns>The wire profile.</returns>
    public static RepresentationProfile Profile(VoiceStep step) => step switch
    {
        VoiceStep.High => RepresentationProfile.VoiceHigh,
        VoiceStep.Standard => RepresentationProfile.VoiceStandard,
        _ => RepresentationProfile.VoiceMinimal,
    };
}
