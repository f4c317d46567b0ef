using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Elara.Fast.Media;

/// <summary>
/// The few operations the portable <c>Vector128/256/512</c> API cannot express in one instruction, with a
/// portable fallback of identical result for CPUs without the x86 instruction.
/// </summary>
internal static class VectorMath
{
    /// <summary><c>pmaddwd</c>: lane i of the result is <c>a[2i] * b[2i] + a[2i+1] * b[2i+1]</c> in 32 bits (wrapping).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyAddAdjacent(Vector512<short> a, Vector512<short> b)
    {
        if (Avx512BW.IsSupported)
        {
            return Avx512BW.MultiplyAddAdjacent(a, b);
        }

        return MultiplyAddAdjacentPortable(a, b);
    }

    /// <summary>The portable twin of the 512-bit <c>pmaddwd</c>; internal so tests compare it with the instruction.</summary>
    internal static Vector512<int> MultiplyAddAdjacentPortable(Vector512<short> a, Vector512<short> b)
    {
        // Pairing adjacent products needs an even/odd split: (a * b) widened keeps the pairs in order.
        var lower = Vector512.WidenLower(a) * Vector512.WidenLower(b);
        var upper = Vector512.WidenUpper(a) * Vector512.WidenUpper(b);
        return PairSum(lower, upper);
    }

    /// <summary><c>pmaddwd</c> on 256 bits (see the 512-bit overload).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAddAdjacent(Vector256<short> a, Vector256<short> b)
    {
        if (Avx2.IsSupported)
        {
            return Avx2.MultiplyAddAdjacent(a, b);
        }

        return Vector256.Create(MultiplyAddAdjacent(a.GetLower(), b.GetLower()), MultiplyAddAdjacent(a.GetUpper(), b.GetUpper()));
    }

    /// <summary><c>pmaddwd</c> on 128 bits (see the 512-bit overload).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAddAdjacent(Vector128<short> a, Vector128<short> b)
    {
        if (Sse2.IsSupported)
        {
            return Sse2.MultiplyAddAdjacent(a, b);
        }

        return MultiplyAddAdjacentPortable(a, b);
    }

    /// <summary>The portable twin of the 128-bit <c>pmaddwd</c>; internal so tests compare it with the instruction.</summary>
    internal static Vector128<int> MultiplyAddAdjacentPortable(Vector128<short> a, Vector128<short> b)
    {
        var lower = Vector128.WidenLower(a) * Vector128.WidenLower(b);
        var upper = Vector128.WidenUpper(a) * Vector128.WidenUpper(b);
        return Vector128.Create(
            lower[0] + lower[1], lower[2] + lower[3], upper[0] + upper[1], upper[2] + upper[3]);
    }

    private static Vector512<int> PairSum(Vector512<int> lower, Vector512<int> upper)
    {
        Span<int> pairs = stackalloc int[Vector512<int>.Count];
        for (var i = 0; i < Vector512<int>.Count / 2; i++)
        {
            pairs[i] = lower[2 * i] + lower[(2 * i) + 1];
            pairs[i + (Vector512<int>.Count / 2)] = upper[2 * i] + upper[(2 * i) + 1];
        }

        return Vector512.Create<int>(pairs);
    }
}
