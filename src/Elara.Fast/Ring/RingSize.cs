using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using Elara.Fast.Primitives;

namespace Elara.Fast.Ring;

/// <summary>Validation shared by every ring-sized structure: sizes are powers of two so an index is a mask, not a division.</summary>
internal static class RingSize
{
    /// <summary>Largest ring: the multi-producer availability flag is <c>sequence &gt;&gt; log2(size)</c> in an <see cref="int"/>.</summary>
    public const int Max = 1 << 30;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Validate(int size, string paramName)
    {
        if (size < 1 || size > Max || !BitOperations.IsPow2(size))
        {
            ThrowNotPowerOfTwo(size, paramName);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotPowerOfTwo(int size, string paramName) =>
        ThrowHelper.ThrowArgument(paramName, $"A ring size must be a power of two between 1 and 2^30 (1, 2, 4, ..., 1024, ...); got {size}.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowClaimSize(int n, int bufferSize) =>
        ThrowHelper.ThrowArgumentOutOfRange(nameof(n), $"A claim must be between 1 and the ring size ({bufferSize}); got {n}.");
}
