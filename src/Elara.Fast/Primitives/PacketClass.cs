namespace Elara.Fast.Primitives;

/// <summary>
/// The packet class (fixed header offset 20). It orders shedding under load: Cosmetic goes first, then
/// Enhancement, then Perceptual; Core is never shed.
/// </summary>
public enum PacketClass : byte
{
    /// <summary>State, handshakes, membership: never shed, never lost.</summary>
    Core = 0,

    /// <summary>Voice and video the user perceives now.</summary>
    Perceptual = 1,

    /// <summary>Quality layers on top of perceptual media.</summary>
    Enhancement = 2,

    /// <summary>Typing indicators, reactions and other niceties: first to go.</summary>
    Cosmetic = 3,

    /// <summary>Redundancy and gap-fill traffic.</summary>
    Repair = 4,
}

/// <summary>Helpers for <see cref="PacketClass"/>.</summary>
public static class PacketClassExtensions
{
    /// <summary>The number of defined classes (the size of per-class tables).</summary>
    public const int Count = 5;

    /// <summary>True when the byte names a defined class.</summary>
    public static bool IsDefined(byte value) => value < Count;
}
