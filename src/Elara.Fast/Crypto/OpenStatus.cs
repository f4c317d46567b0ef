namespace Elara.Fast.Crypto;

/// <summary>
/// Why <see cref="SecureChannel.Open"/> accepted or refused a frame. Every refusal is counted by this value
/// (<see cref="SecureChannel.GetOpenCount"/>); none throws. The checks run in the order listed, cheapest
/// first, so a hostile frame costs as little as possible before it is dropped.
/// </summary>
public enum OpenStatus : byte
{
    /// <summary>Authenticated, decrypted in place, recorded in the replay window.</summary>
    Ok = 0,

    /// <summary>Shorter than 46 bytes, or the header length leaves no room for the tag.</summary>
    Truncated,

    /// <summary>The header or an extension is invalid (version, flags, class, TLV lengths, over 1400 bytes).</summary>
    Malformed,

    /// <summary>The frame's crypto suite is not the channel's.</summary>
    WrongSuite,

    /// <summary>The frame's session id is not the channel's.</summary>
    WrongSession,

    /// <summary>The frame's node id is not the channel's peer.</summary>
    WrongSender,

    /// <summary>The epoch is further ahead of the newest authenticated epoch than the channel looks.</summary>
    UnknownEpoch,

    /// <summary>The frame counter (or its epoch) is below the replay window.</summary>
    TooOld,

    /// <summary>The frame counter was already accepted once.</summary>
    Replay,

    /// <summary>The tag did not verify: forged, corrupted, or sealed under another key.</summary>
    AuthenticationFailed,

    /// <summary>The channel was disposed.</summary>
    Disposed,
}
