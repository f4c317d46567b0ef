using System.Runtime.InteropServices;

namespace Elara.Fast.Ring;

/// <summary>
/// A <see cref="long"/> with one full cache line of padding on each side, so that no other hot field
/// (another sequence, a neighbouring object's header) shares its line and turns every write into a
/// cross-core invalidation (false sharing). Layout is proven by <c>SequenceLayoutTests</c>.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = TotalSize)]
internal struct PaddedLong
{
    /// <summary>Bytes in one cache line on x64 and arm64.</summary>
    public const int CacheLineSize = 64;

    /// <summary>Offset of <see cref="Value"/>: one line of padding before it.</summary>
    public const int ValueOffset = CacheLineSize;

    /// <summary>One line before, the 8-byte value, one line after.</summary>
    public const int TotalSize = CacheLineSize + sizeof(long) + CacheLineSize;

    [FieldOffset(ValueOffset)]
    public long Value;
}
