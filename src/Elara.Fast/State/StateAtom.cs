using Elara.Fast.Primitives;

namespace Elara.Fast.State;

/// <summary>
/// One atom of a session's state field: its id, CRDT type, owner and authority, version vector, value, and, once
/// deleted, the participants that have seen the tombstone. Mutated only by <see cref="StateField"/>.
/// </summary>
/// <remarks>
/// Encoding (the body of the Merge mutation that carries a whole atom in StateResponse and GapFill blocks, the
/// version vector travelling in the block's own field): type u8 · owner u64 · flags u8 (bit 0 deleted) ·
/// authority count u8 · authority entries · value.
/// </remarks>
internal sealed class StateAtom
{
    /// <summary>Bytes of the encoding before the authority entries.</summary>
    public const int HeaderSize = 1 + 8 + 1 + 1;

    /// <summary>Bytes one version-vector entry adds to <see cref="ByteSize"/>.</summary>
    public const int VersionEntrySize = 16;

    private NodeId[] _acknowledged = [];
    private int _acknowledgedCount;

    public StateAtom(StateId id, CrdtKind kind, NodeId owner, AtomValue value)
    {
        Id = id;
        Kind = kind;
        Owner = owner;
        Value = value;
    }

    public StateId Id { get; }

    public CrdtKind Kind { get; }

    /// <summary>The creator; after concurrent creates, the smallest creator id (a deterministic join).</summary>
    public NodeId Owner { get; internal set; }

    /// <summary>True once deleted: the atom is a tombstone until every participant has seen it.</summary>
    public bool IsDeleted { get; internal set; }

    public VersionVector Version { get; internal set; } = new();

    public AuthoritySet Authority { get; internal set; } = new();

    public AtomValue Value { get; internal set; }

    /// <summary>Bytes of the Merge body that carries this atom.</summary>
    public int EncodedLength => HeaderSize + Authority.EncodedLength + Value.EncodedLength;

    /// <summary>What the atom costs against the limits: its encoding plus its version vector.</summary>
    public int ByteSize => EncodedLength + (Version.Count * VersionEntrySize);

    /// <summary>Writes the Merge body, exactly <see cref="EncodedLength"/> bytes.</summary>
    public void Write(Span<byte> destination)
    {
        var writer = new BodyWriter(destination);
        writer.WriteByte((byte)Kind);
        writer.WriteUInt64(Owner.Value);
        writer.WriteByte(IsDeleted ? (byte)1 : (byte)0);
        writer.WriteByte((byte)Authority.Count);
        Authority.Write(ref writer);
        Value.Write(destination[writer.Position..]);
    }

    /// <summary>Records that <paramref name="participant"/> has seen the tombstone; true when it is new.</summary>
    public bool Acknowledge(NodeId participant, int maxParticipants)
    {
        for (var i = 0; i < _acknowledgedCount; i++)
        {
            if (_acknowledged[i] == participant)
            {
                return false;
            }
        }

        if (_acknowledgedCount == maxParticipants)
        {
            return false;
        }

        if (_acknowledgedCount == _acknowledged.Length)
        {
            Array.Resize(ref _acknowledged, Math.Max(4, _acknowledged.Length * 2));
        }

        _acknowledged[_acknowledgedCount++] = participant;
        return true;
    }

    /// <summary>True when <paramref name="participant"/> has acknowledged the tombstone.</summary>
    public bool HasAcknowledged(NodeId participant)
    {
        for (var i = 0; i < _acknowledgedCount; i++)
        {
            if (_acknowledged[i] == participant)
            {
                return true;
            }
        }

        return false;
    }
}
