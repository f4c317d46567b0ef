namespace Elara.Fast.Wire;

/// <summary>What <see cref="FragmentReassembler.Add(FragmentSetKey, FragmentInfo, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/> did with a fragment.</summary>
public enum ReassemblyStatus : byte
{
    /// <summary>Stored; the set is still incomplete.</summary>
    Stored,
    /// <summary>The set is complete: the payload is returned.</summary>
    Complete,
    /// <summary>This fragment was already stored: dropped and counted.</summary>
    Duplicate,
    /// <summary>The fragment contradicts the format or its set (index not below total, total above the limit,
    /// empty or oversize chunk, a total that differs from the set's): dropped and counted.</summary>
    Invalid,
    /// <summary>No room within the memory budget or the set table, even after expiring stale sets: dropped and counted.</summary>
    OverBudget,
}
