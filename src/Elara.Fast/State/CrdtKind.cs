namespace Elara.Fast.State;

/// <summary>The type of a state atom, which fixes its merge rule.</summary>
internal enum CrdtKind : byte
{
    /// <summary>Last-writer-wins register: the write with the greatest (τs, node, counter) wins.</summary>
    LwwRegister = 1,

    /// <summary>PN-counter: per-node increment and decrement totals; the value is their difference.</summary>
    PnCounter = 2,

    /// <summary>Append-only log ordered by (τs, author, sequence), deduplicated by message id: the chat feed.</summary>
    AppendLog = 3,

    /// <summary>Observed-remove set, add wins: presence and membership.</summary>
    ObservedRemoveSet = 4,

    /// <summary>Weighted blend of continuous values: each node's latest weighted contribution, then the weighted mean.</summary>
    Blend = 5,
}
