namespace Elara.Fast.Primitives;

/// <summary>The flags byte (fixed header offset 1). Bit 7 is reserved and must be zero.</summary>
[Flags]
public enum FrameFlags : byte
{
    /// <summary>No flag set.</summary>
    None = 0,

    /// <summary>Sent over more than one path.</summary>
    Multipath = 1 << 0,

    /// <summary>Forwarded by a relay.</summary>
    Relay = 1 << 1,

    /// <summary>One fragment of a larger payload (FragmentInfo extension present).</summary>
    Fragment = 1 << 2,

    /// <summary>Repair (redundancy) data.</summary>
    Repair = 1 << 3,

    /// <summary>Priority delivery requested.</summary>
    Priority = 1 << 4,

    /// <summary>TLV extensions follow the fixed header.</summary>
    Extension = 1 << 5,

    /// <summary>The payload is compressed.</summary>
    Compressed = 1 << 6,

    /// <summary>Reserved: a frame with this bit set is rejected.</summary>
    Reserved = 1 << 7,
}
