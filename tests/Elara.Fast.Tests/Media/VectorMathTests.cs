using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Elara.Fast.Media;

namespace Elara.Fast.Tests.Media;

/// <summary>The portable fallbacks of the x86-only operations equal the instructions (so CPUs without them get the same bits).</summary>
public sealed class VectorMathTests
{
    private static short[] RandomShorts(Random random, int count)
    {
        var values = new short[count];
        for (var i = 0; i < count; i++)
        {
            // A quarter at the extremes: pmaddwd's only wrap is (-32768 * -32768) * 2.
            values[i] = random.Next(4) == 0 ? (random.Next(2) == 0 ? short.MinValue : short.MaxValue) : (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        return values;
    }

    [Fact]
    public void Portable_multiply_add_adjacent_matches_pmaddwd_at_128_and_512_bits()
    {
        Assert.SkipUnless(Sse2.IsSupported, "needs the x86 instruction to compare with");
        var random = new Random(17);
        for (var round = 0; round < 2000; round++)
        {
            var a = RandomShorts(random, 32);
            var b = RandomShorts(random, 32);
            var a128 = Vector128.Create(a.AsSpan(0, 8));
            var b128 = Vector128.Create(b.AsSpan(0, 8));
            Assert.Equal(Sse2.MultiplyAddAdjacent(a128, b128), VectorMath.MultiplyAddAdjacentPortable(a128, b128));
            if (Avx512BW.IsSupported)
            {
                var a512 = Vector512.Create(a.AsSpan());
                var b512 = Vector512.Create(b.AsSpan());
                Assert.Equal(Avx512BW.MultiplyAddAdjacent(a512, b512), VectorMath.MultiplyAddAdjacentPortable(a512, b512));
            }
        }
    }

    [Fact]
    public void Multiply_add_adjacent_computes_the_pair_sums()
    {
        var a = Vector128.Create((short)1, 2, 3, 4, -5, 6, short.MinValue, short.MinValue);
        var b = Vector128.Create((short)10, 20, 30, 40, 50, -60, short.MinValue, short.MinValue);
        // 1*10+2*20, 3*30+4*40, -5*50+6*-60, and 2^31 which wraps to int.MinValue (pmaddwd's documented wrap).
        var expected = Vector128.Create(50, 250, -610, int.MinValue);
        Assert.Equal(expected, VectorMath.MultiplyAddAdjacent(a, b));
        Assert.Equal(expected, VectorMath.MultiplyAddAdjacentPortable(a, b));
    }
}
