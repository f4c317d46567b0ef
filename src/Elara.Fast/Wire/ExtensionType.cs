namespace Elara.Fast.Wire;

/// <summary>
/// TLV extension types (WIRE.md "Extensions"). Each is <c>type (1) | length (1) | value</c>, except
/// <see cref="End"/>, a single byte that may close the area. Types not listed are skipped by length.
/// </summary>
public enum ExtensionType : byte
{
    /// <summary>Ratchet id, u32.</summary>
    RatchetId = 0x01,
    /// <summary>Key epoch, u16.</summary>
    KeyEpoch = 0x02,
    /// <summary>Swarm role, 1 byte (<see cref="Wire.SwarmRole"/>).</summary>
    SwarmRole = 0x03,
    /// <summary>Relay hop count, 1 byte.</summary>
    RelayHop = 0x04,
    /// <summary>Interest mask, u64.</summary>
    InterestMask = 0x05,
    /// <summary>Redundancy group, u16.</summary>
    RedundancyGroup = 0x06,
    /// <summary>Compression hint, 1 byte.</summary>
    CompressionHint = 0x07,
    /// <summary>Fragment index and total, u16 each (<see cref="Wire.FragmentInfo"/>).</summary>
    FragmentInfo = 0x08,
    /// <summary>Path id, u16.</summary>
    PathId = 0x09,
    /// <summary>Priority hint, 1 byte.</summary>
    PriorityHint = 0x0A,
    /// <summary>Causality reference, variable length (0–255 bytes).</summary>
    CausalityRef = 0x0B,
    /// <summary>Closes the extension area: one byte, no length, must be the area's last byte.</summary>
    End = 0xFF,
}
