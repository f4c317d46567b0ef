namespace Elara.Fast.State;

/// <summary>
/// What the state field did with an event or a local operation. Every value but <see cref="Applied"/> leaves the
/// atom's value unchanged; each is counted in <see cref="StateCounters"/>.
/// </summary>
internal enum StateStatus : byte
{
    /// <summary>Merged into the atom; the event is the delta to propagate.</summary>
    Applied,

    /// <summary>Already applied (a duplicate, or a state this replica already has): nothing to propagate.</summary>
    Duplicate,

    /// <summary>An operation whose predecessors from the same node have not arrived: dropped, repaired by reconciliation.</summary>
    Gap,

    /// <summary>The atom is deleted: the operation advanced its version but changed no value.</summary>
    Deleted,

    /// <summary>The author is neither the owner nor granted authority.</summary>
    Unauthorized,

    /// <summary>The event does not make sense for this atom (bad body, wrong mutation, wrong vector).</summary>
    Malformed,

    /// <summary>An update for an atom this replica does not have.</summary>
    UnknownAtom,

    /// <summary>A create or merge naming a different CRDT type than the atom has.</summary>
    KindMismatch,

    /// <summary>The session already holds <see cref="StateLimits.MaxAtoms"/> atoms.</summary>
    AtomLimitExceeded,

    /// <summary>The session's atoms would exceed <see cref="StateLimits.MaxBytes"/> in total.</summary>
    ByteLimitExceeded,

    /// <summary>The atom would no longer fit one frame (<see cref="StateLimits.MaxAtomBytes"/>).</summary>
    AtomTooLarge,

    /// <summary>A counter would overflow 64 bits.</summary>
    Overflow,

    /// <summary>The caller's output buffer has no room for the delta: nothing was applied.</summary>
    DestinationTooSmall,
}
