using Elara.Fast.Media;
using Elara.Fast.Media.Video;

namespace Elara.Fast.Tests.Media.Video;

/// <summary>Every vector path of every video kernel equals its scalar twin, bit for bit, on awkward geometry.</summary>
public sealed class VideoKernelTwinTests
{
    // Widths straddle 16/32/64/128-byte blocks; strides add padding; offsets misalign the planes.
    private static readonly (int Width, int Height)[] Sizes =
        [(0, 0), (1, 1), (2, 2), (15, 3), (17, 17), (31, 5), (33, 16), (64, 33), (127, 9), (129, 31), (640, 48), (1023, 3)];

    public static TheoryData<VectorWidth> Paths() => new(SimdCases.VectorPaths);

    private static byte[] RandomPlane(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Downscale_matches_the_scalar_twin(VectorWidth path)
    {
        foreach (var (w, h) in Sizes)
        {
            foreach (var offset in SimdCases.Offsets)
            {
                var stride = w + 5;
                var source = RandomPlane(offset + (h * stride), w * 31 + h + offset);
                int ow = PlaneDownscaler.HalfOf(w), oh = PlaneDownscaler.HalfOf(h), ostride = ow + 3;
                var expected = new byte[offset + (oh * ostride)];
                var actual = new byte[expected.Length];
                PlaneDownscaler.Downscale2x2(source.AsSpan(offset), w, h, stride, expected.AsSpan(offset), ostride, VectorWidth.Scalar);
                PlaneDownscaler.Downscale2x2(source.AsSpan(offset), w, h, stride, actual.AsSpan(offset), ostride, path);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{path} {w}x{h} offset {offset}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Block_sad_matches_the_scalar_twin(VectorWidth path)
    {
        foreach (var (w, h) in Sizes)
        {
            foreach (var offset in SimdCases.Offsets)
            {
                var stride = w + 7;
                var a = RandomPlane(offset + (h * stride), w + (h * 7) + offset);
                var b = (byte[])a.Clone();
                // Change some pixels only, so SADs span zero, small and large.
                var random = new Random(w ^ h);
                for (var i = 0; i < b.Length / 3; i++)
                {
                    b[random.Next(b.Length)] = (byte)random.Next(256);
                }

                var blocks = BlockSad.BlocksAlong(w) * BlockSad.BlocksAlong(h);
                var expected = new uint[blocks];
                var actual = new uint[blocks];
                BlockSad.Compute(a.AsSpan(offset), b.AsSpan(offset), w, h, stride, expected, VectorWidth.Scalar);
                BlockSad.Compute(a.AsSpan(offset), b.AsSpan(offset), w, h, stride, actual, path);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void Portable_sad_path_matches_the_scalar_twin()
    {
        // The path used where PSADBW does not exist (Arm64); called directly so this machine covers it too.
        const int width = 64, stride = 70;
        var a = RandomPlane(16 * stride, 1);
        var b = RandomPlane(16 * stride, 2);
        var expected = new uint[4];
        BlockSad.Compute(a, b, width, 16, stride, expected, VectorWidth.Scalar);
        var actual = new uint[4];
        Assert.Equal(4, BlockSad.BandPortable128(a, b, stride, 4, actual));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Quantize_matches_the_scalar_twin_for_every_bit_depth(VectorWidth path)
    {
        for (var bits = 1; bits <= 8; bits++)
        {
            foreach (var (w, h) in Sizes)
            {
                var stride = w + 2;
                var plane = RandomPlane(1 + (h * stride), bits * 1000 + w + h);
                var expected = (byte[])plane.Clone();
                PlaneQuantizer.Quantize(expected.AsSpan(1), w, h, stride, bits, VectorWidth.Scalar);
                PlaneQuantizer.Quantize(plane.AsSpan(1), w, h, stride, bits, path);
                Assert.True(expected.AsSpan().SequenceEqual(plane), $"{path} bits {bits} {w}x{h}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Chroma_drop_matches_the_scalar_twin(VectorWidth path)
    {
        foreach (var (w, h) in Sizes)
        {
            var stride = w + 3;
            var plane = RandomPlane(h * stride, w * h);
            var expected = (byte[])plane.Clone();
            ChromaDrop.Apply(expected, w, h, stride, VectorWidth.Scalar);
            ChromaDrop.Apply(plane, w, h, stride, path);
            Assert.Equal(expected, plane);
        }
    }
}
