using Elara.Fast.Media;
using Elara.Fast.Media.Voice;

namespace Elara.Fast.Tests.Media;

/// <summary>What each voice kernel computes, checked against values worked out by hand.</summary>
public sealed class VoiceKernelTests
{
    [Fact]
    public void Mix_sums_wide_and_saturates_once()
    {
        short[] streams = [30_000, 10_000, -30_000, 100, 20_000, -20_000, -10_000, 1, -25_000, 0, 0, 0];
        foreach (var width in VectorWidths.Supported)
        {
            var output = new short[4];
            VoiceMixer.Mix(streams, 3, output, width);

            // 30000+20000-25000 = 25000 stays exact although 30000+20000 alone would clip.
            Assert.Equal(new short[] { 25_000, -10_000, -32_768, 101 }, output);
        }
    }

    [Fact]
    public void Mix_of_no_streams_is_silence()
    {
        var output = new short[] { 5, 6, 7 };
        VoiceMixer.Mix([], 0, output);
        Assert.Equal(new short[] { 0, 0, 0 }, output);
    }

    [Fact]
    public void Mix_refuses_a_streams_span_shorter_than_the_frames()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VoiceMixer.Mix(new short[7], 2, new short[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => VoiceMixer.Mix(new short[8], -1, new short[4]));
    }

    [Theory]
    [InlineData(3, 16_384, 2)] // 1.5 rounds up
    [InlineData(-3, 16_384, -1)] // -1.5 rounds towards +inf
    [InlineData(1000, 16_384, 500)]
    [InlineData(1001, 16_384, 501)] // 500.5 rounds up
    [InlineData(12_345, 32_768, 12_345)] // unity
    [InlineData(20_000, 65_535, 32_767)] // clips high
    [InlineData(-20_000, 65_535, -32_768)] // clips low
    [InlineData(-32_768, -32_768, 32_767)] // phase inversion of full scale clips
    [InlineData(100, -32_768, -100)]
    public void Gain_rounds_half_up_and_saturates(short sample, int gain, short expected)
    {
        Assert.Equal(expected, VoiceGain.Scale(sample, gain));
        foreach (var width in VectorWidths.Supported)
        {
            var output = new short[40];
            var input = Enumerable.Repeat(sample, 40).ToArray();
            VoiceGain.Apply(input, output, gain, width);
            Assert.All(output, value => Assert.Equal(expected, value));
        }
    }

    [Fact]
    public void Gain_refuses_an_out_of_range_gain()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VoiceGain.Apply(new short[4], new short[4], 65_536));
        Assert.Throws<ArgumentOutOfRangeException>(() => VoiceGain.Apply(new short[4], new short[3], 1));
    }

    [Theory]
    [InlineData(0, 0xFF, 0xD5)]
    [InlineData(-1, 0xFF, 0xD5)] // rounds to zero in both laws
    [InlineData(-8, 0x7E, 0x55)] // -2 (14-bit) and -1 (13-bit)
    [InlineData(32_767, 0x80, 0xAA)]
    [InlineData(-32_768, 0x00, 0x2A)]
    [InlineData(1_000, 0xCE, 0xFA)]
    [InlineData(-1_000, 0x4E, 0x7A)]
    public void G711_encodes_known_values(short sample, int muLaw, int aLaw)
    {
        Assert.Equal((byte)muLaw, G711.EncodeMuLaw(sample));
        Assert.Equal((byte)aLaw, G711.EncodeALaw(sample));
    }

    [Theory]
    [InlineData(0x00, -32_124, 0x2A, -32_256)]
    [InlineData(0x80, 32_124, 0xAA, 32_256)]
    [InlineData(0xFF, 0, 0xD5, 8)]
    [InlineData(0x7F, 0, 0x55, -8)]
    [InlineData(0xCE, 988, 0xFA, 1_008)]
    public void G711_decodes_known_values(int muCode, short muLinear, int aCode, short aLinear)
    {
        Assert.Equal(muLinear, G711.DecodeMuLaw((byte)muCode));
        Assert.Equal(aLinear, G711.DecodeALaw((byte)aCode));
    }

    [Fact]
    public void G711_reencoding_a_decoded_code_gives_back_the_same_level()
    {
        for (var code = 0; code < 256; code++)
        {
            var mu = G711.DecodeMuLaw((byte)code);
            Assert.Equal(mu, G711.DecodeMuLaw(G711.EncodeMuLaw(mu)));
            var a = G711.DecodeALaw((byte)code);
            Assert.Equal((byte)code, G711.EncodeALaw(a));
        }
    }

    [Fact]
    public void G711_encoding_is_monotonic_in_the_decoded_value()
    {
        var previousMu = int.MinValue;
        var previousA = int.MinValue;
        for (var x = short.MinValue; x < short.MaxValue; x++)
        {
            int mu = G711.DecodeMuLaw(G711.EncodeMuLaw(x));
            int a = G711.DecodeALaw(G711.EncodeALaw(x));
            Assert.True(mu >= previousMu && a >= previousA, $"x={x}");
            previousMu = mu;
            previousA = a;
        }
    }

    [Fact]
    public void Level_of_a_full_scale_square_wave_is_0_dBFS_and_silence_is_the_floor()
    {
        var square = Enumerable.Repeat(short.MinValue, 480).ToArray();

        var level = VoiceLevel.Measure(square);
        Assert.Equal(480UL * 32768 * 32768, level.SumOfSquares);
        Assert.Equal(0, level.Dbfs, 9);
        Assert.Equal(VoiceLevel.SilenceDbfs, VoiceLevel.Measure(new short[480]).Dbfs);
        Assert.Equal(VoiceLevel.SilenceDbfs, VoiceLevel.Measure([]).Dbfs);
    }

    [Fact]
    public void Level_sum_is_exact_where_32_bit_pairs_would_overflow()
    {
        foreach (var width in VectorWidths.Supported)
        {
            var samples = Enumerable.Repeat(short.MinValue, 4099).ToArray();
            Assert.Equal(4099UL * 1_073_741_824UL, VoiceLevel.SumSquares(samples, width));
        }
    }

    [Fact]
    public void Level_of_a_half_scale_sine_is_minus_9_dBFS()
    {
        var sine = new short[4800];
        for (var i = 0; i < sine.Length; i++)
        {
            sine[i] = (short)Math.Round(16384 * Math.Sin(2 * Math.PI * 1000 * i / 48000.0));
        }

        // 20 log10(0.5 / sqrt 2) = -9.03 dB.
        Assert.Equal(-9.03, VoiceLevel.Measure(sine).Dbfs, 1);
    }
}
