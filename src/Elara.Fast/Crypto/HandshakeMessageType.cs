namespace Elara.Fast.Crypto;

/// <summary>
/// What a datagram is, as <see cref="HandshakeFrame.Classify"/> sees it: a data frame (for the frame-protection
/// path), one of the four handshake messages, or a frame marked as a handshake that is malformed.
/// </summary>
internal enum HandshakeMessageType : byte
{
    /// <summary>Not a handshake frame: hand it to the data path.</summary>
    Data = 0,

    /// <summary>Noise message 1, from the initiator, with mac1 and mac2.</summary>
    Initiation = 1,

    /// <summary>Noise message 2, from the responder.</summary>
    Response = 2,

    /// <summary>Noise message 3 (XX only), from the initiator.</summary>
    Finish = 3,

    /// <summary>A cookie reply: the responder is under load and asks the initiator to prove its address.</summary>
    CookieReply = 4,

    /// <summary>Marked as a handshake frame but malformed (unknown type, bad header, too short): drop it.</summary>
    Malformed = 0xFF,
}

/// <summary>The handshake patterns that travel in handshake frames (byte 31).</summary>
internal enum HandshakePattern : byte
{
    /// <summary>Noise IK: the initiator knows the responder's static key.</summary>
    IK = 1,

    /// <summary>Noise XX: neither side knows the other's static key.</summary>
    XX = 2,
}
