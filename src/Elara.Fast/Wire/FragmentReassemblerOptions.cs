namespace Elara.Fast.Wire;

/// <summary>Bounds of a <see cref="FragmentReassembler"/>; all memory is reserved up front from these.</summary>
public sealed record FragmentReassemblerOptions
{
    /// <summary>Most fragments one set may have (bounds the largest payload: this × 1354 bytes). Default 64.</summary>
    public int MaxFragmentsPerSet { get; init; } = 64;

    /// <summary>Most sets in progress at once. Default 32.</summary>
    public int MaxConcurrentSets { get; init; } = 32;

    /// <summary>Bytes of fragment storage (one 1354-byte slot per buffered fragment). Default 1 MiB.</summary>
    public int MemoryBudgetBytes { get; init; } = 1 << 20;

    /// <summary>How long an incomplete set may wait for its other fragments before it is discarded. Default 2 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
}
