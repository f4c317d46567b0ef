using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>Which event type bytes are defined (WIRE.md "Payload"); a block with any other type is refused.</summary>
public static class EventTypes
{
    // One bit per byte value, built once from the enum: a branch-free membership test on the hot path.
    private static readonly ulong[] Defined = Build();

    /// <summary>True when <paramref name="value"/> names an <see cref="EventType"/>.</summary>
    /// <param name="value">The event type byte.</param>
    /// <returns>Whether it is defined.</returns>
    public static bool IsDefined(byte value) => (Defined[value >> 6] & (1UL << (value & 63))) != 0;

    /// <summary>True for core-protocol events (below 0x80); profile events are 0x80 and up.</summary>
    /// <param name="type">The event type.</param>
    /// <returns>Whether it is a core event.</returns>
    public static bool IsCore(EventType type) => (byte)type < 0x80;

    private static ulong[] Build()
    {
        var bits = new ulong[4];
        foreach (var type in Enum.GetValues<EventType>())
        {
            var b = (byte)type;
            bits[b >> 6] |= 1UL << (b & 63);
        }

        return bits;
    }
}
