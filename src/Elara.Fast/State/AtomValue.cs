using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.State;

/// <summary>
/// The value of a state atom under one CRDT type. Each type is a join semilattice: <see cref="Join"/> is
/// commutative, associative and idempotent, so replicas that have joined the same states hold the same value
/// whatever the order, grouping or repetition of delivery. <see cref="Write"/> is canonical (entries in a fixed
/// order), so equal values encode to equal bytes.
/// </summary>
internal abstract class AtomValue
{
    /// <summary>The type.</summary>
    public abstract CrdtKind Kind { get; }

    /// <summary>Bytes <see cref="Write"/> produces.</summary>
    public abstract int EncodedLength { get; }

    /// <summary>Back to the empty value, keeping storage.</summary>
    public abstract void Clear();

    /// <summary>Becomes a copy of <paramref name="other"/> (same type), reusing storage.</summary>
    public abstract void CopyFrom(AtomValue other);

    /// <summary>
    /// Joins <paramref name="other"/> into this value. <paramref name="mine"/> and <paramref name="theirs"/> are the
    /// version vectors of the two sides before the join (the observed-remove set needs them to tell a removed
    /// element from one not seen yet).
    /// </summary>
    public abstract void Join(AtomValue other, ReadOnlySpan<VersionVectorEntry> mine, ReadOnlySpan<VersionVectorEntry> theirs);

    /// <summary>Decodes a whole body written by <see cref="Write"/>; false (and an undefined value) for anything else.</summary>
    public abstract bool TryRead(ReadOnlySpan<byte> body);

    /// <summary>Writes the canonical encoding, exactly <see cref="EncodedLength"/> bytes.</summary>
    public abstract void Write(Span<byte> destination);

    /// <summary>Drops every contribution whose author fails <paramref name="authority"/>; returns how many.</summary>
    public abstract int RemoveUnauthorized(AuthoritySet authority, NodeId owner);

    /// <summary>A new, empty value of <paramref name="kind"/> (<paramref name="dimensions"/> for a blend).</summary>
    public static AtomValue Create(CrdtKind kind, int dimensions) => kind switch
    {
        CrdtKind.LwwRegister => new LwwRegister(),
        CrdtKind.PnCounter => new PnCounter(),
        CrdtKind.AppendLog => new AppendLog(),
        CrdtKind.ObservedRemoveSet => new ObservedRemoveSet(),
        _ => new BlendValue(dimensions),
    };
}
