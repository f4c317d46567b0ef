using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// One event block of a payload, read in place (WIRE.md "Payload"):
/// <c>event type (1) · state id (u64) · vv length (u16) · vv entries · delta length (u16) · mutation</c>.
/// </summary>
public readonly ref struct EventBlock
{
    internal EventBlock(EventType type, StateId stateId, VersionVectorEntries versionVector, Mutation mutation, ReadOnlySpan<byte> bytes, int offset)
    {
        EventType = type;
        StateId = stateId;
        VersionVector = versionVector;
        Mutation = mutation;
        Bytes = bytes;
        Offset = offset;
    }

    /// <summary>Size of the fixed part of a block: type, state id, vv length and delta length.</summary>
    public const int FixedSize = 1 + 8 + 2 + 2;

    /// <summary>The event type.</summary>
    public EventType EventType { get; }

    /// <summary>The state atom the event is about.</summary>
    public StateId StateId { get; }

    /// <summary>The sender's version vector, sorted by node id.</summary>
    public VersionVectorEntries VersionVector { get; }

    /// <summary>The mutation.</summary>
    public Mutation Mutation { get; }

    /// <summary>The whole block's bytes.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>Offset of the block's first byte from the start of the payload.</summary>
    public int Offset { get; }

    /// <summary>The on-wire size of a block with <paramref name="entries"/> version-vector entries and a mutation of <paramref name="mutationLength"/> bytes.</summary>
    /// <param name="entries">Version-vector entries.</param>
    /// <param name="mutationLength">The mutation's encoded length (tag included).</param>
    /// <returns>The block length in bytes.</returns>
    public static int EncodedLength(int entries, int mutationLength) => FixedSize + (entries * VersionVectorEntry.Size) + mutationLength;
}
