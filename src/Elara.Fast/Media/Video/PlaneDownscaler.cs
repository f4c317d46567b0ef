using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Elara.Fast.Media.Video;

/// <summary>
/// 2×2 box downscale of one 8-bit plane: each output pixel is <c>(a + b + c + d + 2) &gt;&gt; 2</c> of the 2×2 block it
/// covers. An odd last column or row is replicated, so the output is <c>(w + 1) / 2</c> × <c>(h + 1) / 2</c> (the
/// I420 chroma rule) and every input pixel contributes.
/// </summary>
/// <remarks>
/// The vector paths read the two source rows as 16-bit lanes: the low byte of each lane is the even pixel and the high
/// byte the odd one, so <c>(v &amp; 0xFF) + (v &gt;&gt; 8)</c> is the horizontal pair sum without a shuffle. Sums fit in
/// 10 bits; the final narrow truncates values that are already ≤ 255, so every path is bit-identical to the scalar twin.
/// </remarks>
public static class PlaneDownscaler
{
    /// <summary>The output length of a dimension: <c>(n + 1) / 2</c>.</summary>
    public static int HalfOf(int size) => (size + 1) >> 1;

    /// <summary>Downscales with the widest vector path this CPU offers.</summary>
    public static void Downscale2x2(ReadOnlySpan<byte> source, int width, int height, int sourceStride, Span<byte> destination, int destinationStride)
        => Downscale2x2(source, width, height, sourceStride, destination, destinationStride, VectorWidths.Widest);

    /// <summary>Downscales with the given vector width (<see cref="VectorWidth.Scalar"/> is the reference twin).</summary>
    /// <exception cref="ArgumentException">A buffer is smaller than its plane, or a stride is narrower than its width.</exception>
    public static void Downscale2x2(ReadOnlySpan<byte> source, int width, int height, int sourceStride, Span<byte> destination, int destinationStride, VectorWidth vectorWidth)
    {
        var outWidth = HalfOf(width);
        var outHeight = HalfOf(height);
        PlaneGeometry.Validate(source.Length, width, height, sourceStride, nameof(source));
        PlaneGeometry.Validate(destination.Length, outWidth, outHeight, destinationStride, nameof(destination));
        vectorWidth = VectorWidths.Resolve(vectorWidth);

        for (var y = 0; y < outHeight; y++)
        {
            var row0 = source.Slice(2 * y * sourceStride, width);
            // An odd last row pairs with itself.
            var row1 = (2 * y) + 1 < height ? source.Slice(((2 * y) + 1) * sourceStride, width) : row0;
            var output = destination.Slice(y * destinationStride, outWidth);
            var done = vectorWidth switch
            {
                VectorWidth.V512 => Row512(row0, row1, output),
                VectorWidth.V256 => Row256(row0, row1, output),
                VectorWidth.V128 => Row128(row0, row1, output),
                _ => 0,
            };
            RowScalar(row0, row1, output, done);
        }
    }

    /// <summary>The scalar twin, from output column <paramref name="start"/> to the end of the row.</summary>
    private static void RowScalar(ReadOnlySpan<byte> row0, ReadOnlySpan<byte> row1, Span<byte> output, int start)
    {
        var width = row0.Length;
        for (var x = start; x < output.Length; x++)
        {
            var left = 2 * x;
            // An odd last column pairs with itself.
            var right = left + 1 < width ? left + 1 : left;
            output[x] = (byte)((row0[left] + row0[right] + row1[left] + row1[right] + 2) >> 2);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Row128(ReadOnlySpan<byte> row0, ReadOnlySpan<byte> row1, Span<byte> output)
    {
        ref var s0 = ref MemoryMarshal.GetReference(row0);
        ref var s1 = ref MemoryMarshal.GetReference(row1);
        ref var d = ref MemoryMarshal.GetReference(output);
        var lowByte = Vector128.Create((ushort)0x00FF);
        var two = Vector128.Create((ushort)2);
        var x = 0;
        // 2 × 16 input bytes per row → 16 output bytes.
        for (; (2 * x) + (2 * Vector128<byte>.Count) <= row0.Length; x += Vector128<byte>.Count)
        {
            var a0 = Vector128.LoadUnsafe(ref s0, (nuint)(2 * x)).AsUInt16();
            var a1 = Vector128.LoadUnsafe(ref s0, (nuint)((2 * x) + Vector128<byte>.Count)).AsUInt16();
            var b0 = Vector128.LoadUnsafe(ref s1, (nuint)(2 * x)).AsUInt16();
            var b1 = Vector128.LoadUnsafe(ref s1, (nuint)((2 * x) + Vector128<byte>.Count)).AsUInt16();
            var lo = ((a0 & lowByte) + (a0 >>> 8) + (b0 & lowByte) + (b0 >>> 8) + two) >>> 2;
            var hi = ((a1 & lowByte) + (a1 >>> 8) + (b1 & lowByte) + (b1 >>> 8) + two) >>> 2;
            Vector128.Narrow(lo, hi).StoreUnsafe(ref d, (nuint)x);
        }

        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Row256(ReadOnlySpan<byte> row0, ReadOnlySpan<byte> row1, Span<byte> output)
    {
        ref var s0 = ref MemoryMarshal.GetReference(row0);
        ref var s1 = ref MemoryMarshal.GetReference(row1);
        ref var d = ref MemoryMarshal.GetReference(output);
        var lowByte = Vector256.Create((ushort)0x00FF);
        var two = Vector256.Create((ushort)2);
        var x = 0;
        for (; (2 * x) + (2 * Vector256<byte>.Count) <= row0.Length; x += Vector256<byte>.Count)
        {
            var a0 = Vector256.LoadUnsafe(ref s0, (nuint)(2 * x)).AsUInt16();
            var a1 = Vector256.LoadUnsafe(ref s0, (nuint)((2 * x) + Vector256<byte>.Count)).AsUInt16();
            var b0 = Vector256.LoadUnsafe(ref s1, (nuint)(2 * x)).AsUInt16();
            var b1 = Vector256.LoadUnsafe(ref s1, (nuint)((2 * x) + Vector256<byte>.Count)).AsUInt16();
            var lo = ((a0 & lowByte) + (a0 >>> 8) + (b0 & lowByte) + (b0 >>> 8) + two) >>> 2;
            var hi = ((a1 & lowByte) + (a1 >>> 8) + (b1 & lowByte) + (b1 >>> 8) + two) >>> 2;
            Vector256.Narrow(lo, hi).StoreUnsafe(ref d, (nuint)x);
        }

        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Row512(ReadOnlySpan<byte> row0, ReadOnlySpan<byte> row1, Span<byte> output)
    {
        ref var s0 = ref MemoryMarshal.GetReference(row0);
        ref var s1 = ref MemoryMarshal.GetReference(row1);
        ref var d = ref MemoryMarshal.GetReference(output);
        var lowByte = Vector512.Create((ushort)0x00FF);
        var two = Vector512.Create((ushort)2);
        var x = 0;
        for (; (2 * x) + (2 * Vector512<byte>.Count) <= row0.Length; x += Vector512<byte>.Count)
        {
            var a0 = Vector512.LoadUnsafe(ref s0, (nuint)(2 * x)).AsUInt16();
            var a1 = Vector512.LoadUnsafe(ref s0, (nuint)((2 * x) + Vector512<byte>.Count)).AsUInt16();
            var b0 = Vector512.LoadUnsafe(ref s1, (nuint)(2 * x)).AsUInt16();
            var b1 = Vector512.LoadUnsafe(ref s1, (nuint)((2 * x) + Vector512<byte>.Count)).AsUInt16();
            var lo = ((a0 & lowByte) + (a0 >>> 8) + (b0 & lowByte) + (b0 >>> 8) + two) >>> 2;
            var hi = ((a1 & lowByte) + (a1 >>> 8) + (b1 & lowByte) + (b1 >>> 8) + two) >>> 2;
            Vector512.Narrow(lo, hi).StoreUnsafe(ref d, (nuint)x);
        }

        return x;
    }
}
