using System.Runtime.Intrinsics;
using Elara.Fast.Media;

namespace Elara.Fast.Tests.Media;

public sealed class VectorWidthsTests
{
    [Fact]
    public void Supported_starts_with_scalar_and_is_a_prefix_of_the_enum()
    {
        var supported = VectorWidths.Supported.ToArray();
        Assert.Equal(VectorWidth.Scalar, supported[0]);
        for (var i = 0; i < supported.Length; i++)
        {
            Assert.Equal((VectorWidth)i, supported[i]);
        }

        Assert.Equal(supported[^1], VectorWidths.Widest);
    }

    [Fact]
    public void Supported_matches_what_the_jit_accelerates()
    {
        Assert.Equal(Vector128.IsHardwareAccelerated, VectorWidths.IsSupported(VectorWidth.V128));
        Assert.Equal(Vector128.IsHardwareAccelerated && Vector256.IsHardwareAccelerated, VectorWidths.IsSupported(VectorWidth.V256));
        Assert.Equal(
            Vector128.IsHardwareAccelerated && Vector256.IsHardwareAccelerated && Vector512.IsHardwareAccelerated,
            VectorWidths.IsSupported(VectorWidth.V512));
        Assert.True(VectorWidths.IsSupported(VectorWidth.Scalar));
    }

    [Fact]
    public void Resolve_keeps_a_supported_width_and_lowers_an_unsupported_one()
    {
        foreach (var width in VectorWidths.Supported)
        {
            Assert.Equal(width, VectorWidths.Resolve(width));
        }

        Assert.Equal(VectorWidths.Widest, VectorWidths.Resolve(VectorWidth.V512));
        Assert.Equal(VectorWidth.Scalar, VectorWidths.Resolve((VectorWidth)(-1)));
        Assert.Equal(VectorWidths.Widest, VectorWidths.Resolve((VectorWidth)99));
    }
}
