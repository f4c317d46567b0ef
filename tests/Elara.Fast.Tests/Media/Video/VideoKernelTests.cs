using Elara.Fast.Media;
using Elara.Fast.Media.Video;

namespace Elara.Fast.Tests.Media.Video;

/// <summary>What each kernel computes, checked against values worked out by hand from the definitions.</summary>
public sealed class VideoKernelTests
{
    public static TheoryData<VectorWidth> AllPaths() => new(VectorWidths.Supported.ToArray());

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Downscale_rounds_the_2x2_mean_half_up(VectorWidth path)
    {
        // 4×2 plane: blocks {1,2,3,4} → (10+2)>>2 = 3 and {0,0,0,1} → (1+2)>>2 = 0, {255×4} never overflows.
        byte[] source = [1, 2, 0, 0, 3, 4, 0, 1];
        var output = new byte[2];
        PlaneDownscaler.Downscale2x2(source, 4, 2, 4, output, 2, path);
        Assert.Equal(new byte[] { 3, 0 }, output);

        byte[] white = [255, 255, 255, 255];
        var one = new byte[1];
        PlaneDownscaler.Downscale2x2(white, 2, 2, 2, one, 1, path);
        Assert.Equal(255, one[0]);
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Downscale_replicates_an_odd_last_column_and_row(VectorWidth path)
    {
        // 3×1: out0 = (10+20+10+20+2)>>2 = 15 (the single row pairs with itself); out1 = 30 (all four are 30).
        byte[] source = [10, 20, 30];
        var output = new byte[2];
        PlaneDownscaler.Downscale2x2(source, 3, 1, 3, output, 2, path);
        Assert.Equal(new byte[] { 15, 30 }, output);
    }

    [Fact]
    public void Downscale_of_a_wide_plane_matches_the_formula_at_every_pixel()
    {
        const int w = 300, h = 7;
        var source = new byte[w * h];
        new Random(5).NextBytes(source);
        int ow = PlaneDownscaler.HalfOf(w), oh = PlaneDownscaler.HalfOf(h);
        var output = new byte[ow * oh];
        PlaneDownscaler.Downscale2x2(source, w, h, w, output, ow);
        for (var y = 0; y < oh; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                int x0 = 2 * x, x1 = Math.Min(2 * x + 1, w - 1), y0 = 2 * y, y1 = Math.Min(2 * y + 1, h - 1);
                var expected = (source[y0 * w + x0] + source[y0 * w + x1] + source[y1 * w + x0] + source[y1 * w + x1] + 2) >> 2;
                Assert.Equal(expected, output[y * ow + x]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Block_sad_localises_a_change_to_its_block(VectorWidth path)
    {
        // 40×20: 3×2 blocks, the right column and bottom row partial. One pixel in block (1,0) differs by 5,
        // one pixel in the partial block (2,1) by 200.
        const int w = 40, h = 20;
        var a = new byte[w * h];
        var b = new byte[w * h];
        Array.Fill(a, (byte)100);
        Array.Fill(b, (byte)100);
        b[3 * w + 20] = 105;
        b[18 * w + 39] = 255;
        a[18 * w + 39] = 55;
        var sads = new uint[6];
        BlockSad.Compute(a, b, w, h, w, sads, path);
        Assert.Equal(new uint[] { 0, 5, 0, 0, 0, 200 }, sads);
    }

    [Theory]
    [InlineData(4, 23, 16)]
    [InlineData(4, 24, 32)]
    [InlineData(4, 255, 240)]
    [InlineData(1, 63, 0)]
    [InlineData(1, 64, 128)]
    [InlineData(1, 200, 128)]
    [InlineData(7, 3, 4)]
    [InlineData(8, 77, 77)]
    public void Quantize_rounds_to_the_nearest_level_and_saturates(int bits, int input, int expected)
    {
        var plane = new byte[70];
        Array.Fill(plane, (byte)input);
        PlaneQuantizer.Quantize(plane, 70, 1, 70, bits);
        Assert.All(plane, v => Assert.Equal(expected, v));
    }

    [Fact]
    public void Quantize_refuses_a_bit_depth_outside_1_to_8()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PlaneQuantizer.Quantize(new byte[4], 4, 1, 4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PlaneQuantizer.Quantize(new byte[4], 4, 1, 4, 9));
    }

    [Fact]
    public void Kernels_refuse_a_buffer_smaller_than_its_plane()
    {
        Assert.Throws<ArgumentException>(() => PlaneDownscaler.Downscale2x2(new byte[10], 4, 4, 4, new byte[4], 2));
        Assert.Throws<ArgumentException>(() => BlockSad.Compute(new byte[256], new byte[255], 16, 16, 16, new uint[1]));
        Assert.Throws<ArgumentException>(() => BlockSad.Compute(new byte[512], new byte[512], 32, 16, 32, new uint[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChromaDrop.Apply(new byte[16], 8, 2, 4));
    }

    [Fact]
    public void Chroma_drop_leaves_the_padding_between_rows_alone()
    {
        var plane = new byte[3 * 10];
        Array.Fill(plane, (byte)7);
        ChromaDrop.Apply(plane, 8, 3, 10);
        for (var i = 0; i < plane.Length; i++)
        {
            Assert.Equal(i % 10 < 8 ? ChromaDrop.Neutral : 7, plane[i]);
        }
    }
}
