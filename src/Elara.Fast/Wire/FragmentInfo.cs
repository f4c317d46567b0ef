namespace Elara.Fast.Wire;

/// <summary>Where a fragment sits in its set (FragmentInfo extension: index u16, total u16, little-endian).</summary>
/// <param name="Index">Zero-based position of this fragment; always below <paramref name="Total"/> on the wire.</param>
/// <param name="Total">Number of fragments in the set; at least 1.</param>
public readonly record struct FragmentInfo(ushort Index, ushort Total)
{
    /// <summary>True when the pair can appear on the wire (1 ≤ total, index &lt; total).</summary>
    public bool IsValid => Index < Total;
}
