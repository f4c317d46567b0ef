using CsCheck;
using Elara.Fast.Time;

namespace Elara.Fast.Tests.Time;

public sealed class TimeHintTests
{
    private const long Unit = TimeHint.TicksPerUnit;

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(999L, 0)]        // under one unit rounds toward zero
    [InlineData(1_000L, 1)]
    [InlineData(-999L, 0)]
    [InlineData(-1_000L, -1)]
    [InlineData(-1_999L, -1)]
    [InlineData(20L * 10_000, 200)] // 20 ms = 200 units of 100 µs
    public void Encode_counts_100_microsecond_units_toward_zero(long difference, int expected)
    {
        var reference = 123_456_789L;
        Assert.Equal(expected, TimeHint.Encode(reference + difference, reference, out var saturated));
        Assert.False(saturated);
    }

    [Fact]
    public void Encode_takes_the_i32_edges_exactly_and_saturates_one_unit_beyond()
    {
        Assert.Equal(int.MaxValue, TimeHint.Encode(int.MaxValue * Unit, 0, out var s1));
        Assert.False(s1);
        Assert.Equal(int.MaxValue, TimeHint.Encode((int.MaxValue + 1L) * Unit, 0, out var s2));
        Assert.True(s2);
        Assert.Equal(int.MinValue, TimeHint.Encode(int.MinValue * Unit, 0, out var s3));
        Assert.False(s3);
        Assert.Equal(int.MinValue, TimeHint.Encode((int.MinValue - 1L) * Unit, 0, out var s4));
        Assert.True(s4);
    }

    [Fact]
    public void Encode_saturates_when_the_difference_itself_overflows_a_long()
    {
        Assert.Equal(int.MaxValue, TimeHint.Encode(long.MaxValue, long.MinValue, out var up));
        Assert.True(up);
        Assert.Equal(int.MinValue, TimeHint.Encode(long.MinValue, long.MaxValue, out var down));
        Assert.True(down);
    }

    [Fact]
    public void Decode_saturates_at_the_long_range()
    {
        Assert.Equal(long.MaxValue, TimeHint.Decode(int.MaxValue, long.MaxValue - 5));
        Assert.Equal(long.MinValue, TimeHint.Decode(int.MinValue, long.MinValue + 5));
        Assert.Equal(-2_147_483_648_000L + 7, TimeHint.Decode(int.MinValue, 7));
    }

    [Fact]
    public void Round_trip_is_within_one_unit_and_never_crosses_the_reference()
    {
        Gen.Select(Gen.Long[-1L << 50, 1L << 50], Gen.Long[-(int.MaxValue * Unit), int.MaxValue * Unit]).Sample((reference, difference) =>
        {
            var hint = TimeHint.Encode(reference + difference, reference, out var saturated);
            var back = TimeHint.Decode(hint, reference);
            return !saturated
                && Math.Abs(back - (reference + difference)) < Unit
                && Math.Sign(back - reference) * Math.Sign(difference) >= 0;
        }, iter: 10_000);
    }
}
