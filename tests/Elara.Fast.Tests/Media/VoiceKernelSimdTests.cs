using Elara.Fast.Media;
using Elara.Fast.Media.Voice;

namespace Elara.Fast.Tests.Media;

/// <summary>Every vector path of every voice kernel equals its scalar twin, bit for bit, at awkward lengths and offsets.</summary>
public sealed class VoiceKernelSimdTests
{
    [Fact]
    public void The_machine_under_test_offers_at_least_one_vector_path()
    {
        // Otherwise the tests below compare nothing; on the CI machine (AVX-512) all three run.
        Assert.NotEmpty(SimdCases.VectorPaths);
    }

    [Fact]
    public void Mix_paths_equal_scalar()
    {
        foreach (var streams in new[] { 0, 1, 2, 3, 4, 7 })
        {
            foreach (var length in SimdCases.AwkwardLengths)
            {
                foreach (var offset in SimdCases.Offsets)
                {
                    var input = SimdCases.RandomPcm(offset + (streams * length), seed: (streams * 7919) + length + offset).AsSpan(offset);
                    var expected = new short[offset + length];
                    VoiceMixer.Mix(input, streams, expected.AsSpan(offset), VectorWidth.Scalar);
                    foreach (var width in SimdCases.VectorPaths)
                    {
                        var actual = new short[offset + length];
                        VoiceMixer.Mix(input, streams, actual.AsSpan(offset), width);
                        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{width} streams={streams} length={length} offset={offset}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Gain_paths_equal_scalar()
    {
        foreach (var gain in new[] { 0, 1, -1, 12_345, 16_384, 32_767, 32_768, 40_000, 65_535, -65_535, -32_768 })
        {
            foreach (var length in SimdCases.AwkwardLengths)
            {
                foreach (var offset in SimdCases.Offsets)
                {
                    var input = SimdCases.RandomPcm(offset + length, seed: gain + length + offset).AsSpan(offset);
                    var expected = new short[length];
                    VoiceGain.Apply(input, expected, gain, VectorWidth.Scalar);
                    foreach (var width in SimdCases.VectorPaths)
                    {
                        var actual = new short[length + offset];
                        VoiceGain.Apply(input, actual.AsSpan(offset), gain, width);
                        Assert.True(expected.AsSpan().SequenceEqual(actual.AsSpan(offset)), $"{width} gain={gain} length={length} offset={offset}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Gain_in_place_equals_gain_into_another_buffer()
    {
        var input = SimdCases.RandomPcm(1023, seed: 5);
        var expected = new short[input.Length];
        VoiceGain.Apply(input, expected, 20_000, VectorWidth.Scalar);
        foreach (var width in VectorWidths.Supported)
        {
            var buffer = (short[])input.Clone();
            VoiceGain.Apply(buffer, buffer, 20_000, width);
            Assert.Equal(expected, buffer);
        }
    }

    [Fact]
    public void G711_encode_paths_equal_scalar_on_every_16_bit_input()
    {
        var all = new short[65_536 + 3];
        for (var i = 0; i < 65_536; i++)
        {
            all[i + 3] = (short)(i - 32_768);
        }

        foreach (var muLaw in new[] { true, false })
        {
            foreach (var offset in SimdCases.Offsets)
            {
                var input = all.AsSpan(offset, 65_536);
                var expected = new byte[input.Length];
                Encode(input, expected, VectorWidth.Scalar, muLaw);
                foreach (var width in SimdCases.VectorPaths)
                {
                    var actual = new byte[input.Length];
                    Encode(input, actual, width, muLaw);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{width} muLaw={muLaw} offset={offset}");
                }
            }
        }
    }

    [Fact]
    public void G711_paths_equal_scalar_at_awkward_lengths()
    {
        foreach (var muLaw in new[] { true, false })
        {
            foreach (var length in SimdCases.AwkwardLengths)
            {
                foreach (var offset in SimdCases.Offsets)
                {
                    var pcm = SimdCases.RandomPcm(offset + length, seed: length + offset).AsSpan(offset);
                    var codes = new byte[offset + length];
                    new Random(length).NextBytes(codes);
                    var expectedCodes = new byte[length];
                    var expectedPcm = new short[length];
                    Encode(pcm, expectedCodes, VectorWidth.Scalar, muLaw);
                    Decode(codes.AsSpan(offset), expectedPcm, VectorWidth.Scalar, muLaw);
                    foreach (var width in SimdCases.VectorPaths)
                    {
                        var actualCodes = new byte[length + offset];
                        var actualPcm = new short[length + offset];
                        Encode(pcm, actualCodes.AsSpan(offset), width, muLaw);
                        Decode(codes.AsSpan(offset), actualPcm.AsSpan(offset), width, muLaw);
                        Assert.True(expectedCodes.AsSpan().SequenceEqual(actualCodes.AsSpan(offset)), $"encode {width} muLaw={muLaw} length={length}");
                        Assert.True(expectedPcm.AsSpan().SequenceEqual(actualPcm.AsSpan(offset)), $"decode {width} muLaw={muLaw} length={length}");
                    }
                }
            }
        }
    }

    [Fact]
    public void G711_decode_paths_equal_scalar_on_every_code()
    {
        var codes = new byte[256];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = (byte)i;
        }

        foreach (var muLaw in new[] { true, false })
        {
            var expected = new short[256];
            Decode(codes, expected, VectorWidth.Scalar, muLaw);
            foreach (var width in SimdCases.VectorPaths)
            {
                var actual = new short[256];
                Decode(codes, actual, width, muLaw);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void Sum_of_squares_paths_equal_scalar()
    {
        foreach (var length in SimdCases.AwkwardLengths)
        {
            foreach (var offset in SimdCases.Offsets)
            {
                var input = SimdCases.RandomPcm(offset + length, seed: 31 * length + offset).AsSpan(offset);
                var expected = VoiceLevel.SumSquares(input, VectorWidth.Scalar);
                foreach (var width in SimdCases.VectorPaths)
                {
                    Assert.Equal(expected, VoiceLevel.SumSquares(input, width));
                }
            }
        }
    }

    [Fact]
    public void Resampler_paths_equal_scalar_over_several_frames()
    {
        foreach (var factor in new[] { 2, 3, 6 })
        {
            foreach (var down in new[] { true, false })
            {
                var frames = new[] { 0, 6, 480, 960, 18, 2880 };
                var expected = Run(factor, down, frames, VectorWidth.Scalar);
                foreach (var width in SimdCases.VectorPaths)
                {
                    Assert.Equal(expected, Run(factor, down, frames, width));
                }
            }
        }

        static short[] Run(int factor, bool down, int[] frames, VectorWidth width)
        {
            var resampler = down ? VoiceResampler.CreateDownsampler(factor) : VoiceResampler.CreateUpsampler(factor);
            var output = new List<short>();
            var seed = 0;
            foreach (var frameLength in frames)
            {
                var input = SimdCases.RandomPcm(down ? frameLength : frameLength / factor, seed++);
                var result = new short[resampler.OutputLength(input.Length)];
                Assert.Equal(result.Length, resampler.Process(input, result, width));
                output.AddRange(result);
            }

            return [.. output];
        }
    }

    [Fact]
    public void Fir_kernel_paths_equal_scalar_when_the_input_ends_inside_a_padded_window()
    {
        // Exactly as long as the real taps need: the last outputs cannot read a whole padded window and take the scalar tail.
        foreach (var factor in new[] { 2, 3, 6 })
        {
            var taps = FirTaps.Interpolator(factor);
            foreach (var outputs in new[] { 1, 2, 5, 17, 100 })
            {
                var blocks = ((outputs - 1) / factor) + 1;
                var input = SimdCases.RandomPcm(blocks - 1 + taps.Length, seed: outputs);
                var expected = new short[outputs];
                FirKernel.Run(input, taps, 1, expected, VectorWidth.Scalar);
                foreach (var width in SimdCases.VectorPaths)
                {
                    var actual = new short[outputs];
                    FirKernel.Run(input, taps, 1, actual, width);
                    Assert.Equal(expected, actual);
                }
            }
        }
    }

    private static void Encode(ReadOnlySpan<short> input, Span<byte> output, VectorWidth width, bool muLaw)
    {
        if (muLaw)
        {
            G711.EncodeMuLaw(input, output, width);
        }
        else
        {
            G711.EncodeALaw(input, output, width);
        }
    }

    private static void Decode(ReadOnlySpan<byte> input, Span<short> output, VectorWidth width, bool muLaw)
    {
        if (muLaw)
        {
            G711.DecodeMuLaw(input, output, width);
        }
        else
        {
            G711.DecodeALaw(input, output, width);
        }
    }
}
