using System.Runtime.CompilerServices;

namespace Elara.Fast.Transport.Stun;

/// <summary>
/// Packs and unpacks the 14-bit STUN message type (RFC 8489 §5, figure 3): the 12 method bits
/// M11..M0 are interleaved with the class bits C1 (bit 8) and C0 (bit 4).
/// </summary>
public static class StunMessageType
{
    /// <summary>The message type for <paramref name="method"/> in class <paramref name="class"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Encode(StunMethod method, StunClass @class)
    {
        var m = (int)method;
        var c = (int)@class;
        return (ushort)((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
    }

    /// <summary>The method bits of <paramref name="messageType"/> (may be a method this engine does not know).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static StunMethod MethodOf(ushort messageType)
        => (StunMethod)((messageType & 0x000F) | ((messageType >> 1) & 0x0070) | ((messageType >> 2) & 0x0F80));

    /// <summary>The class bits of <paramref name="messageType"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static StunClass ClassOf(ushort messageType)
        => (StunClass)(((messageType >> 4) & 1) | ((messageType >> 7) & 2));
}
