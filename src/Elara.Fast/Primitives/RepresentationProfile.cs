namespace Elara.Fast.Primitives;

/// <summary>The representation profile (fixed header offset 21). Values not listed are custom profiles.</summary>
public enum RepresentationProfile : byte
{
    /// <summary>Text and state only.</summary>
    Textual = 0x00,

    /// <summary>8 kHz G.711 voice in 20 ms frames.</summary>
    VoiceMinimal = 0x10,

    /// <summary>16 kHz PCM16 voice in 20 ms frames.</summary>
    VoiceStandard = 0x11,

    /// <summary>48 kHz PCM16 voice in 10 ms frames.</summary>
    VoiceHigh = 0x12,

    /// <summary>160×120 I420 video.</summary>
    VideoLow = 0x20,

    /// <summary>320×240 I420 video.</summary>
    VideoStandard = 0x21,

    /// <summary>640×480 I420 video.</summary>
    VideoHigh = 0x22,

    /// <summary>One-to-many streaming (feeds).</summary>
    StreamAsymmetric = 0x30,

    /// <summary>Automated agents.</summary>
    Agent = 0x40,
}
