using System.Buffers.Binary;
using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// The mutation an event block carries (WIRE.md "Payload": tag, then per kind: Set/Append/Merge
/// <c>len u16 · bytes</c>, Increment <c>i64</c>, Delete nothing, Blend <c>f32 weight · len u16 · bytes</c>).
/// Read from a block by <see cref="EventBlockReader"/>, or made with the factories to be written by
/// <see cref="EventBlockWriter"/>. The bytes are a view, never a copy.
/// </summary>
public readonly ref struct Mutation
{
    private Mutation(MutationKind kind, ReadOnlySpan<byte> bytes, long delta, float weight)
    {
        Kind = kind;
        Bytes = bytes;
        Delta = delta;
        Weight = weight;
    }

    /// <summary>Which mutation.</summary>
    public MutationKind Kind { get; }

    /// <summary>The value bytes of Set, Append, Merge and Blend; empty for the others.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>The amount of an Increment; 0 for the others.</summary>
    public long Delta { get; }

    /// <summary>The weight of a Blend (finite); 0 for the others.</summary>
    public float Weight { get; }

    /// <summary>Bytes this mutation takes on the wire, tag included (the block's delta length).</summary>
    public int EncodedLength => EncodedLengthOf(Kind, Bytes.Length);

    /// <summary>A Set mutation.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The mutation.</returns>
    public static Mutation Set(ReadOnlySpan<byte> value) => new(MutationKind.Set, value, 0, 0);

    /// <summary>An Increment mutation.</summary>
    /// <param name="delta">The amount to add.</param>
    /// <returns>The mutation.</returns>
    public static Mutation Increment(long delta) => new(MutationKind.Increment, default, delta, 0);

    /// <summary>An Append mutation.</summary>
    /// <param name="value">The bytes to append.</param>
    /// <returns>The mutation.</returns>
    public static Mutation Append(ReadOnlySpan<byte> value) => new(MutationKind.Append, value, 0, 0);

    /// <summary>A Merge mutation.</summary>
    /// <param name="value">The serialized state to merge.</param>
    /// <returns>The mutation.</returns>
    public static Mutation Merge(ReadOnlySpan<byte> value) => new(MutationKind.Merge, value, 0, 0);

    /// <summary>A Delete mutation.</summary>
    /// <returns>The mutation.</returns>
    public static Mutation Delete() => new(MutationKind.Delete, default, 0, 0);

    /// <summary>A Blend mutation.</summary>
    /// <param name="weight">The weight (must be finite to be written).</param>
    /// <param name="value">The value to blend in.</param>
    /// <returns>The mutation.</returns>
    public static Mutation Blend(float weight, ReadOnlySpan<byte> value) => new(MutationKind.Blend, value, 0, weight);

    /// <summary>The on-wire size (tag included) of a mutation of <paramref name="kind"/> with <paramref name="valueLength"/> value bytes.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="valueLength">Value bytes (ignored for Increment and Delete).</param>
    /// <returns>The delta length.</returns>
    public static int EncodedLengthOf(MutationKind kind, int valueLength) => kind switch
    {
        MutationKind.Increment => 1 + 8,
        MutationKind.Delete => 1,
        MutationKind.Blend => 1 + 4 + 2 + valueLength,
        _ => 1 + 2 + valueLength,
    };

    /// <summary>
    /// Parses a delta (tag included). <paramref name="offset"/> is, on failure, the offset within
    /// <paramref name="delta"/> of the fault (0 = the tag, or the whole delta's length is wrong: −1).
    /// </summary>
    internal static WireStatus TryParse(ReadOnlySpan<byte> delta, out Mutation mutation, out int offset)
    {
        mutation = default;
        offset = 0;
        if (delta.IsEmpty)
        {
            offset = -1;
            return WireStatus.MutationLengthInvalid;
        }

        var kind = (MutationKind)delta[0];
        switch (kind)
        {
            case MutationKind.Set:
            case MutationKind.Append:
            case MutationKind.Merge:
                return TryParseBytes(kind, delta, 1, 0, out mutation, out offset);
            case MutationKind.Blend:
                if (delta.Length < 5)
                {
                    offset = -1;
                    return WireStatus.MutationLengthInvalid;
                }

                var weight = BinaryPrimitives.ReadSingleLittleEndian(delta[1..]);
                if (!float.IsFinite(weight))
                {
                    offset = 1;
                    return WireStatus.ValueOutOfRange;
                }

                return TryParseBytes(kind, delta, 5, weight, out mutation, out offset);
            case MutationKind.Increment:
                if (delta.Length != 9)
                {
                    offset = -1;
                    return WireStatus.MutationLengthInvalid;
                }

                mutation = Increment(BinaryPrimitives.ReadInt64LittleEndian(delta[1..]));
                return WireStatus.Ok;
            case MutationKind.Delete:
                if (delta.Length != 1)
                {
                    offset = -1;
                    return WireStatus.MutationLengthInvalid;
                }

                mutation = Delete();
                return WireStatus.Ok;
            default:
                return WireStatus.UnknownMutation;
        }
    }

    private static WireStatus TryParseBytes(MutationKind kind, ReadOnlySpan<byte> delta, int lengthAt, float weight, out Mutation mutation, out int offset)
    {
        mutation = default;
        if (delta.Length < lengthAt + 2)
        {
            offset = -1;
            return WireStatus.MutationLengthInvalid;
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(delta[lengthAt..]);
        if (length != delta.Length - lengthAt - 2)
        {
            offset = lengthAt;
            return WireStatus.MutationLengthInvalid;
        }

        offset = 0;
        mutation = new Mutation(kind, delta[(lengthAt + 2)..], 0, weight);
        return WireStatus.Ok;
    }

    /// <summary>Writes this mutation (tag included) into <paramref name="destination"/>, exactly <see cref="EncodedLength"/> bytes.</summary>
    internal void WriteTo(Span<byte> destination)
    {
        destination[0] = (byte)Kind;
        switch (Kind)
        {
            case MutationKind.Increment:
                BinaryPrimitives.WriteInt64LittleEndian(destination[1..], Delta);
                break;
            case MutationKind.Delete:
                break;
            case MutationKind.Blend:
                BinaryPrimitives.WriteSingleLittleEndian(destination[1..], Weight);
                BinaryPrimitives.WriteUInt16LittleEndian(destination[5..], (ushort)Bytes.Length);
                Bytes.CopyTo(destination[7..]);
                break;
            default:
                BinaryPrimitives.WriteUInt16LittleEndian(destination[1..], (ushort)Bytes.Length);
                Bytes.CopyTo(destination[3..]);
                break;
        }
    }
}
