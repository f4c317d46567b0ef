namespace Elara.Fast.Wire;

/// <summary>Byte offsets of the fixed header's fields (WIRE.md "Fixed header").</summary>
public static class HeaderOffsets
{
    /// <summary>Version (high nibble) and crypto suite (low nibble), 1 byte.</summary>
    public const int VersionSuite = 0;

    /// <summary>Flags, 1 byte.</summary>
    public const int Flags = 1;

    /// <summary>Header length, u16.</summary>
    public const int HeaderLength = 2;

    /// <summary>Session id, u64.</summary>
    public const int SessionId = 4;

    /// <summary>Node id of the sender, u64.</summary>
    public const int NodeId = 12;

    /// <summary>Packet class, 1 byte.</summary>
    public const int PacketClass = 20;

    /// <summary>Representation profile, 1 byte.</summary>
    public const int Profile = 21;

    /// <summary>Time hint, i32.</summary>
    public const int TimeHint = 22;

    /// <summary>Key epoch, u16.</summary>
    public const int KeyEpoch = 26;

    /// <summary>Sequence, u16.</summary>
    public const int Sequence = 28;
}
