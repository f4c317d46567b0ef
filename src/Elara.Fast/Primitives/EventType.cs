namespace Elara.Fast.Primitives;

/// <summary>Event block types (WIRE.md "Payload"). Below 0x80: core protocol; 0x80 and up: profile events.</summary>
public enum EventType : byte
{
    /// <summary>Create a state atom.</summary>
    StateCreate = 0x01,
    /// <summary>Mutate a state atom.</summary>
    StateUpdate = 0x02,
    /// <summary>Delete a state atom (leaves a tombstone).</summary>
    StateDelete = 0x03,
    /// <summary>Grant mutation authority over an atom.</summary>
    AuthorityGrant = 0x10,
    /// <summary>Revoke mutation authority over an atom.</summary>
    AuthorityRevoke = 0x11,
    /// <summary>A participant joins the session.</summary>
    SessionJoin = 0x20,
    /// <summary>A participant leaves the session.</summary>
    SessionLeave = 0x21,
    /// <summary>Session-level synchronisation.</summary>
    SessionSync = 0x22,
    /// <summary>NTP-style time exchange.</summary>
    TimeSync = 0x30,
    /// <summary>A correction of the shared state clock.</summary>
    TimeCorrection = 0x31,
    /// <summary>Ask a peer for atoms (reconciliation).</summary>
    StateRequest = 0x40,
    /// <summary>Atoms sent in answer to a request.</summary>
    StateResponse = 0x41,
    /// <summary>Atoms sent to fill a detected gap.</summary>
    GapFill = 0x42,
    /// <summary>Append text to a feed.</summary>
    TextAppend = 0x80,
    /// <summary>Edit a text message.</summary>
    TextEdit = 0x81,
    /// <summary>Delete a text message.</summary>
    TextDelete = 0x82,
    /// <summary>React to a text message.</summary>
    TextReact = 0x83,
    /// <summary>A voice frame.</summary>
    VoiceFrame = 0x90,
    /// <summary>Mute or unmute voice.</summary>
    VoiceMute = 0x91,
    /// <summary>Presence changed.</summary>
    PresenceUpdate = 0xA0,
    /// <summary>Typing started.</summary>
    TypingStart = 0xA1,
    /// <summary>Typing stopped.</summary>
    TypingStop = 0xA2,
    /// <summary>A whole video frame.</summary>
    VisualKeyframe = 0xB0,
    /// <summary>The changed blocks of a video frame.</summary>
    VisualDelta = 0xB1,
    /// <summary>A stream starts.</summary>
    StreamStart = 0xC0,
    /// <summary>A stream ends.</summary>
    StreamEnd = 0xC1,
    /// <summary>Append to a feed.</summary>
    FeedAppend = 0xD0,
    /// <summary>Delete from a feed.</summary>
    FeedDelete = 0xD1,

    /// <summary>
    /// An application-defined event: the node applies nothing of it and hands the payload to the embedder's
    /// frame handler (Elara.Fast's extension; the published table ends at 0xD1).
    /// </summary>
    ApplicationDefined = 0xE0,
}
