namespace Elara.Fast.State;

/// <summary>How two version vectors relate (the causal order of the states they describe).</summary>
internal enum VersionOrder : byte
{
    /// <summary>Same counters for every node: the same history.</summary>
    Equal,

    /// <summary>The first has seen everything the second has, and more.</summary>
    Dominates,

    /// <summary>The second has seen everything the first has, and more.</summary>
    Dominated,

    /// <summary>Each has seen something the other has not.</summary>
    Concurrent,
}
