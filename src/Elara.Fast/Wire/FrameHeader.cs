using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// Every field of the 30-byte fixed header as plain values (WIRE.md "Fixed header"). Handy for building a
/// header to write and for comparing what was read; the hot path reads fields straight from the bytes with
/// <see cref="FrameHeaderReader"/> instead.
/// </summary>
/// <param name="Version">The protocol version (high nibble of byte 0); 0 is the only accepted value.</param>
/// <param name="Suite">The crypto suite (low nibble of byte 0).</param>
/// <param name="Flags">The flags byte (offset 1).</param>
/// <param name="HeaderLength">30 plus the extension bytes (offset 2, u16).</param>
/// <param name="SessionId">The session (offset 4, u64).</param>
/// <param name="NodeId">The sender (offset 12, u64).</param>
/// <param name="PacketClass">The packet class (offset 20).</param>
/// <param name="Profile">The representation profile (offset 21); any byte, unlisted values are custom.</param>
/// <param name="TimeHint">Event time minus the sender's state clock, in 100 µs units (offset 22, i32).</param>
/// <param name="KeyEpoch">The key epoch (offset 26, u16).</param>
/// <param name="Sequence">The per-(sender, class) sequence number (offset 28, u16, wraps).</param>
public readonly record struct FrameHeader(
    byte Version,
    CryptoSuite Suite,
    FrameFlags Flags,
    ushort HeaderLength,
    SessionId SessionId,
    NodeId NodeId,
    PacketClass PacketClass,
    RepresentationProfile Profile,
    int TimeHint,
    ushort KeyEpoch,
    ushort Sequence)
{
    /// <summary>The 32-bit frame counter: epoch · 65536 + sequence (the replay window's key).</summary>
    public uint Counter => ((uint)KeyEpoch << 16) | Sequence;
}
