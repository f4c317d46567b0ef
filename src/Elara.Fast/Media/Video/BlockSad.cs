using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Elara.Fast.Media.Video;

/// <summary>
/// Sum of absolute differences per 16×16 block between two planes of the same geometry: the changed-block detector
/// behind video deltas. Blocks are numbered row-major; edge blocks of a plane whose size is not a multiple of 16 are
/// partial and cover only the pixels that exist.
/// </summary>
/// <remarks>
/// x86 has a dedicated instruction (PSADBW: 8 absolute differences summed per 64-bit lane), which the vector paths use
/// at 128, 256 and 512 bits: one instruction per row covers one, two or four blocks. Elsewhere the portable 128-bit
/// path computes <c>max − min</c> and widens. Sums are exact integers, so every path equals the scalar twin.
/// </remarks>
public static class BlockSad
{
    /// <summary>Block edge in pixels.</summary>
    public const int BlockSize = 16;

    /// <summary>Blocks along a dimension: <c>ceil(size / 16)</c>.</summary>
    public static int BlocksAlong(int size) => (size + BlockSize - 1) / BlockSize;

    /// <summary>Computes every block's SAD with the widest path this CPU offers.</summary>
    public static void Compute(ReadOnlySpan<byte> current, ReadOnlySpan<byte> previous, int width, int height, int stride, Span<uint> blockSads)
        => Compute(current, previous, width, height, stride, blockSads, VectorWidths.Widest);

    /// <summary>Computes every block's SAD into <paramref name="blockSads"/> (row-major, <c>BlocksAlong(w) × BlocksAlong(h)</c>).</summary>
    /// <exception cref="ArgumentException">A buffer is smaller than its plane, or <paramref name="blockSads"/> than the block count.</exception>
    public static void Compute(ReadOnlySpan<byte> current, ReadOnlySpan<byte> previous, int width, int height, int stride, Span<uint> blockSads, VectorWidth vectorWidth)
    {
        PlaneGeometry.Validate(current.Length, width, height, stride, nameof(current));
        PlaneGeometry.Validate(previous.Length, width, height, stride, nameof(previous));
        vectorWidth = VectorWidths.Resolve(vectorWidth);
        var blocksX = BlocksAlong(width);
        var blocksY = BlocksAlong(height);
        if (blockSads.Length < blocksX * blocksY)
        {
            Primitives.ThrowHelper.ThrowArgument(nameof(blockSads), "Too small for one SAD per 16×16 block.");
        }

        var fullBlocksX = width / BlockSize;
        for (var by = 0; by < blocksY; by++)
        {
            var rows = Math.Min(BlockSize, height - (by * BlockSize));
            var sads = blockSads.Slice(by * blocksX, blocksX);
            var top = by * BlockSize * stride;
            var done = rows == BlockSize
                ? vectorWidth switch
                {
                    VectorWidth.V512 when Avx512BW.IsSupported => Band512(current[top..], previous[top..], stride, fullBlocksX, sads),
                    VectorWidth.V256 when Avx2.IsSupported => Band256(current[top..], previous[top..], stride, fullBlocksX, sads),
                    VectorWidth.V128 when Sse2.IsSupported => Band128(current[top..], previous[top..], stride, fullBlocksX, sads),
                    VectorWidth.Scalar => 0,
                    _ => BandPortable128(current[top..], previous[top..], stride, fullBlocksX, sads),
                }
                : 0;
            for (var bx = done; bx < blocksX; bx++)
            {
                var columns = Math.Min(BlockSize, width - (bx * BlockSize));
                sads[bx] = BlockScalar(current[(top + (bx * BlockSize))..], previous[(top + (bx * BlockSize))..], stride, columns, rows);
            }
        }
    }

    /// <summary>The scalar twin for one (possibly partial) block.</summary>
    private static uint BlockScalar(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int stride, int columns, int rows)
    {
        uint sum = 0;
        for (var y = 0; y < rows; y++)
        {
            var rowA = a.Slice(y * stride, columns);
            var rowB = b.Slice(y * stride, columns);
            for (var x = 0; x < columns; x++)
            {
                sum += (uint)Math.Abs(rowA[x] - rowB[x]);
            }
        }

        return sum;
    }

    /// <summary>One band of full blocks, one block per PSADBW row.</summary>
    private static int Band128(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int stride, int fullBlocks, Span<uint> sads)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        for (var bx = 0; bx < fullBlocks; bx++)
        {
            var acc = Vector128<ulong>.Zero;
            for (var y = 0; y < BlockSize; y++)
            {
                var offset = (nuint)((y * stride) + (bx * BlockSize));
                acc += Sse2.SumAbsoluteDifferences(Vector128.LoadUnsafe(ref pa, offset), Vector128.LoadUnsafe(ref pb, offset)).AsUInt64();
            }

            sads[bx] = (uint)(acc.GetElement(0) + acc.GetElement(1));
        }

        return fullBlocks;
    }

    /// <summary>Two blocks per 256-bit row.</summary>
    private static int Band256(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int stride, int fullBlocks, Span<uint> sads)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var bx = 0;
        for (; bx + 2 <= fullBlocks; bx += 2)
        {
            var acc = Vector256<ulong>.Zero;
            for (var y = 0; y < BlockSize; y++)
            {
                var offset = (nuint)((y * stride) + (bx * BlockSize));
                acc += Avx2.SumAbsoluteDifferences(Vector256.LoadUnsafe(ref pa, offset), Vector256.LoadUnsafe(ref pb, offset)).AsUInt64();
            }

            sads[bx] = (uint)(acc.GetElement(0) + acc.GetElement(1));
            sads[bx + 1] = (uint)(acc.GetElement(2) + acc.GetElement(3));
        }

        return bx;
    }

    /// <summary>Four blocks per 512-bit row.</summary>
    private static int Band512(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int stride, int fullBlocks, Span<uint> sads)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var bx = 0;
        for (; bx + 4 <= fullBlocks; bx += 4)
        {
            var acc = Vector512<ulong>.Zero;
            for (var y = 0; y < BlockSize; y++)
            {
                var offset = (nuint)((y * stride) + (bx * BlockSize));
                acc += Avx512BW.SumAbsoluteDifferences(Vector512.LoadUnsafe(ref pa, offset), Vector512.LoadUnsafe(ref pb, offset)).AsUInt64();
            }

            sads[bx] = (uint)(acc.GetElement(0) + acc.GetElement(1));
            sads[bx + 1] = (uint)(acc.GetElement(2) + acc.GetElement(3));
            sads[bx + 2] = (uint)(acc.GetElement(4) + acc.GetElement(5));
            sads[bx + 3] = (uint)(acc.GetElement(6) + acc.GetElement(7));
        }

        // The 1–3 full blocks left over take the 256/128-bit instruction rather than the scalar loop.
        return bx + (Avx2.IsSupported ? Band256(a[(bx * BlockSize)..], b[(bx * BlockSize)..], stride, fullBlocks - bx, sads[bx..]) : 0);
    }

    /// <summary>The portable 128-bit path (no PSADBW): |a − b| = max − min, widened and summed per row.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int BandPortable128(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int stride, int fullBlocks, Span<uint> sads)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        for (var bx = 0; bx < fullBlocks; bx++)
        {
            var acc = Vector128<ushort>.Zero;
            for (var y = 0; y < BlockSize; y++)
            {
                var offset = (nuint)((y * stride) + (bx * BlockSize));
                var va = Vector128.LoadUnsafe(ref pa, offset);
                var vb = Vector128.LoadUnsafe(ref pb, offset);
                var diff = Vector128.Max(va, vb) - Vector128.Min(va, vb);
                var (lo, hi) = Vector128.Widen(diff);
                // Each lane gathers at most 16 rows × 2 × 255 = 8160: no overflow in 16 bits.
                acc += lo + hi;
            }

            sads[bx] = Vector128.Sum(Vector128.WidenLower(acc) + Vector128.WidenUpper(acc));
        }

        return fullBlocks;
    }
}
