using Elara.Fast.Media;

namespace Elara.Fast.Tests.Media;

/// <summary>
/// Shared inputs for the "every SIMD path equals its scalar twin" tests: lengths that straddle every vector
/// width's block and tail (0, 1, 15, 17, 1023, …) and start offsets that make the spans unaligned.
/// </summary>
public static class SimdCases
{
    /// <summary>Lengths around 8/16/32/64-element blocks plus a long odd one.</summary>
    public static readonly int[] AwkwardLengths = [0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129, 1023, 1024, 4099];

    /// <summary>Element offsets into a larger buffer, so loads and stores are misaligned.</summary>
    public static readonly int[] Offsets = [0, 1, 3];

    /// <summary>The vector widths this CPU runs, without Scalar (each is compared against Scalar).</summary>
    public static VectorWidth[] VectorPaths => VectorWidths.Supported[1..].ToArray();

    /// <summary>Random PCM16 samples from a fixed seed, biased so that a quarter are near full scale.</summary>
    public static short[] RandomPcm(int length, int seed)
    {
        var random = new Random(seed);
        var samples = new short[length];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = random.Next(4) == 0
                ? (short)(random.Next(2) == 0 ? short.MaxValue - random.Next(64) : short.MinValue + random.Next(64))
                : (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        return samples;
    }
}
