using System.Buffers.Binary;
using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>One TLV extension as found by <see cref="ExtensionReader"/>: its type, its value bytes and where it starts.</summary>
public readonly ref struct Extension
{
    internal Extension(ExtensionType type, ReadOnlySpan<byte> value, int offset)
    {
        Type = type;
        Value = value;
        Offset = offset;
    }

    /// <summary>The type byte (may be a value the enum does not name: unknown types are passed through).</summary>
    public ExtensionType Type { get; }

    /// <summary>The value bytes (length as on the wire).</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Offset of the type byte from the start of the extension area.</summary>
    public int Offset { get; }

    /// <summary>True for a type this codec knows.</summary>
    public bool IsKnown => ExtensionReader.IsKnown(Type);

    /// <summary>The value of a <see cref="ExtensionType.FragmentInfo"/> extension.</summary>
    public FragmentInfo FragmentInfo => new(
        BinaryPrimitives.ReadUInt16LittleEndian(Expect(ExtensionType.FragmentInfo)),
        BinaryPrimitives.ReadUInt16LittleEndian(Value[2..]));

    /// <summary>The value of a <see cref="ExtensionType.KeyEpoch"/> extension.</summary>
    public ushort KeyEpoch => BinaryPrimitives.ReadUInt16LittleEndian(Expect(ExtensionType.KeyEpoch));

    /// <summary>The value of a <see cref="ExtensionType.RatchetId"/> extension.</summary>
    public uint RatchetId => BinaryPrimitives.ReadUInt32LittleEndian(Expect(ExtensionType.RatchetId));

    /// <summary>The value of a <see cref="ExtensionType.SwarmRole"/> extension.</summary>
    public SwarmRole SwarmRole => (SwarmRole)Expect(ExtensionType.SwarmRole)[0];

    /// <summary>The value of a <see cref="ExtensionType.RelayHop"/> extension.</summary>
    public byte RelayHop => Expect(ExtensionType.RelayHop)[0];

    /// <summary>The value of an <see cref="ExtensionType.InterestMask"/> extension.</summary>
    public ulong InterestMask => BinaryPrimitives.ReadUInt64LittleEndian(Expect(ExtensionType.InterestMask));

    /// <summary>The value of a <see cref="ExtensionType.RedundancyGroup"/> extension.</summary>
    public ushort RedundancyGroup => BinaryPrimitives.ReadUInt16LittleEndian(Expect(ExtensionType.RedundancyGroup));

    /// <summary>The value of a <see cref="ExtensionType.CompressionHint"/> extension.</summary>
    public byte CompressionHint => Expect(ExtensionType.CompressionHint)[0];

    /// <summary>The value of a <see cref="ExtensionType.PathId"/> extension.</summary>
    public ushort PathId => BinaryPrimitives.ReadUInt16LittleEndian(Expect(ExtensionType.PathId));

    /// <summary>The value of a <see cref="ExtensionType.PriorityHint"/> extension.</summary>
    public byte PriorityHint => Expect(ExtensionType.PriorityHint)[0];

    private ReadOnlySpan<byte> Expect(ExtensionType type)
    {
        if (Type != type)
        {
            ThrowHelper.ThrowInvalidOperation("The extension is of another type.");
        }

        return Value;
    }
}
