using Elara.Fast.Media;
using Elara.Fast.Media.Voice;

namespace Elara.Fast.Tests.Media;

/// <summary>The anti-alias and anti-image filters do what the ladder needs: ≥ 60 dB above the new Nyquist frequency, flat below.</summary>
public sealed class VoiceResamplerTests
{
    private const double Amplitude = 16_000;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public void Decimator_attenuates_every_tone_above_the_new_nyquist_by_60_dB(int factor)
    {
        var nyquist = 24_000.0 / factor;
        foreach (var frequency in Tones(nyquist, 24_000))
        {
            var attenuation = DecimatedGainDb(factor, frequency);
            Assert.True(attenuation <= -60, $"{frequency} Hz through /{factor}: {attenuation:F1} dB");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public void Decimator_passes_tones_below_0_8_nyquist_within_half_a_dB(int factor)
    {
        var nyquist = 24_000.0 / factor;
        foreach (var frequency in new[] { 100.0, 0.25 * nyquist, 0.5 * nyquist, 0.78 * nyquist })
        {
            var gain = DecimatedGainDb(factor, frequency);
            Assert.True(Math.Abs(gain) < 0.5, $"{frequency} Hz through /{factor}: {gain:F2} dB");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public void Interpolator_keeps_the_tone_and_suppresses_its_images_by_60_dB(int factor)
    {
        var lowRate = 48_000 / factor;
        var tone = 0.3 * lowRate / 2;
        var input = Sine(tone, lowRate, lowRate / 5); // 200 ms
        var output = new short[input.Length * factor];
        var upsampler = VoiceResampler.CreateUpsampler(factor);
        var frame = lowRate / 100;
        for (var i = 0; i < input.Length; i += frame)
        {
            upsampler.Process(input.AsSpan(i, frame), output.AsSpan(i * factor, frame * factor));
        }

        // Skip 100 ms of start-up, then measure 100 ms (a whole number of periods of every tone on a 10 Hz grid).
        var steady = output.AsSpan(4800, 4800);
        var wanted = AmplitudeAt(steady, tone);
        Assert.True(Math.Abs(20 * Math.Log10(wanted / Amplitude)) < 0.5, $"tone {wanted:F0}");
        for (var k = 1; k < factor; k++)
        {
            foreach (var image in new[] { (k * lowRate) - tone, (k * lowRate) + tone })
            {
                if (image < 24_000)
                {
                    var level = 20 * Math.Log10(AmplitudeAt(steady, image) / wanted);
                    Assert.True(level <= -60, $"image {image} Hz of /{factor}: {level:F1} dB");
                }
            }
        }
    }

    [Fact]
    public void Frames_of_any_size_give_the_same_stream_as_one_big_frame()
    {
        var input = SimdCases.RandomPcm(2880, seed: 9);
        var whole = new short[480];
        VoiceResampler.CreateDownsampler(6).Process(input, whole);
        var pieces = new short[480];
        var resampler = VoiceResampler.CreateDownsampler(6);
        var written = 0;
        foreach (var length in new[] { 6, 474, 960, 1440 })
        {
            written += resampler.Process(input.AsSpan(written * 6, length), pieces.AsSpan(written));
        }

        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void Taps_are_symmetric_and_the_decimator_passes_dc_exactly()
    {
        foreach (var factor in new[] { 2, 3, 6 })
        {
            var taps = FirTaps.Decimator(factor);
            var real = taps.Coefficients.AsSpan(0, taps.Length);
            for (var k = 0; k < real.Length; k++)
            {
                Assert.Equal(real[k], real[real.Length - 1 - k]);
            }

            Assert.Equal(32_768, real.ToArray().Sum(t => t));
            Assert.Equal(1, taps.Length % 2);
            Assert.All(taps.Coefficients.AsSpan(taps.Length).ToArray(), t => Assert.Equal(0, t));

            // A constant through the streaming decimator comes out unchanged once the history is full.
            var output = new short[80];
            var resampler = VoiceResampler.CreateDownsampler(factor);
            for (var i = 0; i < 4; i++)
            {
                resampler.Process(Enumerable.Repeat((short)12_345, 80 * factor).ToArray(), output);
            }

            Assert.All(output, s => Assert.Equal(12_345, s));
        }
    }

    [Fact]
    public void Resampler_refuses_frames_it_cannot_take()
    {
        var down = VoiceResampler.CreateDownsampler(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => down.Process(new short[10], new short[10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => down.Process(new short[2883], new short[961]));
        Assert.Throws<ArgumentOutOfRangeException>(() => down.Process(new short[9], new short[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => VoiceResampler.CreateUpsampler(4));
    }

    private static IEnumerable<double> Tones(double from, double to)
    {
        // The Nyquist frequency itself, then a grid above it (on 10 Hz multiples so 100 ms windows hold whole periods).
        yield return from;
        for (var f = Math.Ceiling((from + 150) / 10) * 10; f < to; f += Math.Round((to - from) / 9 / 10) * 10)
        {
            yield return f;
        }
    }

    private static double DecimatedGainDb(int factor, double frequency)
    {
        var input = Sine(frequency, 48_000, 48_000 / 5);
        var output = new short[input.Length / factor];
        var resampler = VoiceResampler.CreateDownsampler(factor);
        for (var i = 0; i < input.Length; i += 480)
        {
            resampler.Process(input.AsSpan(i, 480), output.AsSpan(i / factor, 480 / factor));
        }

        // Output RMS over the steady second half vs the input RMS (an aliased tone lands anywhere, so use total RMS).
        var steady = output.AsSpan(output.Length / 2);
        var inputRms = Amplitude / Math.Sqrt(2);
        var outputRms = VoiceLevel.Measure(steady).Rms;
        return 20 * Math.Log10(Math.Max(outputRms, 1e-3) / inputRms);
    }

    private static short[] Sine(double frequency, int rate, int length)
    {
        var samples = new short[length];
        for (var i = 0; i < length; i++)
        {
            samples[i] = (short)Math.Round(Amplitude * Math.Sin((2 * Math.PI * frequency * i / rate) + 0.3));
        }

        return samples;
    }

    private static double AmplitudeAt(ReadOnlySpan<short> samples, double frequency)
    {
        double re = 0, im = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var phase = 2 * Math.PI * frequency * i / 48_000;
            re += samples[i] * Math.Cos(phase);
            im += samples[i] * Math.Sin(phase);
        }

        return 2 * Math.Sqrt((re * re) + (im * im)) / samples.Length;
    }
}
