namespace Elara.Fast.Transport.Stun;

/// <summary>One attribute of a STUN message, viewed in place.</summary>
public readonly ref struct StunAttribute
{
    internal StunAttribute(ushort type, ReadOnlySpan<byte> value, int offset)
    {
        Type = type;
        Value = value;
        Offset = offset;
    }

    /// <summary>The raw 16-bit type (see <see cref="StunAttributeType"/>).</summary>
    public ushort Type { get; }

    /// <summary>The value, without padding.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Offset of the attribute's header within the message.</summary>
    public int Offset { get; }

    /// <summary>True for types 0x0000–0x7FFF, which a receiver must understand (RFC 8489 §14).</summary>
    public bool IsComprehensionRequired => Type < 0x8000;
}
