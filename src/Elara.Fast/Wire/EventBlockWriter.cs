using System.Buffers.Binary;
using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// Appends event blocks back to back into a payload buffer (for example a frame's ciphertext region before
/// sealing). Each append checks the remaining capacity first and writes nothing when the block does not fit,
/// so a sender can fill a frame and start the next one on <see cref="WireStatus.DestinationTooSmall"/>.
/// </summary>
public ref struct EventBlockWriter
{
    /// <summary>Largest value a Set/Append/Merge/Blend can carry in one block (the u16 length fields bound it).</summary>
    public const int MaxValueLength = ushort.MaxValue - 7;

    /// <summary>Most version-vector entries one block can carry (the u16 vv length bounds it).</summary>
    public const int MaxVersionVectorEntries = ushort.MaxValue / VersionVectorEntry.Size;

    private readonly Span<byte> _destination;

    /// <summary>Starts writing at the beginning of <paramref name="destination"/>.</summary>
    /// <param name="destination">The payload buffer.</param>
    public EventBlockWriter(Span<byte> destination)
    {
        _destination = destination;
        BytesWritten = 0;
        Count = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public int BytesWritten { get; private set; }

    /// <summary>Blocks written so far.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes still free.</summary>
    public readonly int Remaining => _destination.Length - BytesWritten;

    /// <summary>The blocks written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _destination[..BytesWritten];

    /// <summary>Appends one block.</summary>
    /// <param name="type">The event type (must be defined).</param>
    /// <param name="stateId">The state atom.</param>
    /// <param name="versionVector">Entries sorted strictly ascending by node id.</param>
    /// <param name="mutation">The mutation (a Blend's weight must be finite).</param>
    /// <returns><see cref="WireStatus.Ok"/>; <see cref="WireStatus.DestinationTooSmall"/> when the block does not
    /// fit; <see cref="WireStatus.UnknownEventType"/>, <see cref="WireStatus.VersionVectorUnsorted"/>,
    /// <see cref="WireStatus.UnknownMutation"/> or <see cref="WireStatus.ValueOutOfRange"/> (too many entries, value
    /// too long, non-finite weight) for a block a reader would refuse. Nothing is written unless Ok.</returns>
    public WireStatus TryAppend(EventType type, StateId stateId, scoped ReadOnlySpan<VersionVectorEntry> versionVector, scoped Mutation mutation)
    {
        var status = Check(type, versionVector, mutation);
        if (status != WireStatus.Ok)
        {
            return status;
        }

        var mutationLength = mutation.EncodedLength;
        var length = EventBlock.EncodedLength(versionVector.Length, mutationLength);
        if (length > Remaining)
        {
            return WireStatus.DestinationTooSmall;
        }

        var block = _destination.Slice(BytesWritten, length);
        block[0] = (byte)type;
        BinaryPrimitives.WriteUInt64LittleEndian(block[1..], stateId.Value);
        BinaryPrimitives.WriteUInt16LittleEndian(block[9..], (ushort)(versionVector.Length * VersionVectorEntry.Size));
        var at = 11;
        foreach (var entry in versionVector)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(block[at..], entry.Node.Value);
            BinaryPrimitives.WriteUInt64LittleEndian(block[(at + 8)..], entry.Counter);
            at += VersionVectorEntry.Size;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(block[at..], (ushort)mutationLength);
        mutation.WriteTo(block[(at + 2)..]);
        BytesWritten += length;
        Count++;
        return WireStatus.Ok;
    }

    private static WireStatus Check(EventType type, scoped ReadOnlySpan<VersionVectorEntry> versionVector, scoped Mutation mutation)
    {
        if (!EventTypes.IsDefined((byte)type))
        {
            return WireStatus.UnknownEventType;
        }

        if (versionVector.Length > MaxVersionVectorEntries || mutation.Bytes.Length > MaxValueLength)
        {
            return WireStatus.ValueOutOfRange;
        }

        for (var i = 1; i < versionVector.Length; i++)
        {
            if (versionVector[i].Node.Value <= versionVector[i - 1].Node.Value)
            {
                return WireStatus.VersionVectorUnsorted;
            }
        }

        if (mutation.Kind is < MutationKind.Set or > MutationKind.Blend)
        {
            return WireStatus.UnknownMutation;
        }

        if (mutation.Kind == MutationKind.Blend && !float.IsFinite(mutation.Weight))
        {
            return WireStatus.ValueOutOfRange;
        }

        return WireStatus.Ok;
    }
}
