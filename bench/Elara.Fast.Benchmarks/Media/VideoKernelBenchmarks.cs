using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Elara.Fast.Media;
using Elara.Fast.Media.Video;

namespace Elara.Fast.Benchmarks.Media;

/// <summary>
/// Video kernels at every vector width against their scalar twin and against a <c>Buffer.MemoryCopy</c> of the same
/// bytes (the bandwidth reference, Baseline). Plane sizes: 128×128 (16 KiB, L1-resident) and 1024×512 (512 KiB,
/// L2-resident). GB/s = plane bytes / mean time.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class VideoKernelBenchmarks
{
    private byte[] _a = [];
    private byte[] _b = [];
    private byte[] _half = [];
    private byte[] _copy = [];
    private uint[] _sads = [];
    private int _width;
    private int _height;

    /// <summary>L1: 128×128; L2: 1024×512.</summary>
    [Params("L1-16KiB", "L2-512KiB")]
    public string Size { get; set; } = "L1-16KiB";

    [GlobalSetup]
    public void Setup()
    {
        (_width, _height) = Size.StartsWith("L1", StringComparison.Ordinal) ? (128, 128) : (1024, 512);
        _a = new byte[_width * _height];
        _b = new byte[_width * _height];
        _copy = new byte[_width * _height];
        new Random(1).NextBytes(_a);
        new Random(2).NextBytes(_b);
        _half = new byte[PlaneDownscaler.HalfOf(_width) * PlaneDownscaler.HalfOf(_height)];
        _sads = new uint[BlockSad.BlocksAlong(_width) * BlockSad.BlocksAlong(_height)];
    }

    private unsafe void Copy()
    {
        fixed (byte* source = _a, destination = _copy)
        {
            Buffer.MemoryCopy(source, destination, _copy.Length, _a.Length);
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Downscale")]
    public void Downscale_Copy() => Copy();

    [Benchmark, BenchmarkCategory("Downscale")]
    public void Downscale_Scalar() => Downscale(VectorWidth.Scalar);

    [Benchmark, BenchmarkCategory("Downscale")]
    public void Downscale_V128() => Downscale(VectorWidth.V128);

    [Benchmark, BenchmarkCategory("Downscale")]
    public void Downscale_V256() => Downscale(VectorWidth.V256);

    [Benchmark, BenchmarkCategory("Downscale")]
    public void Downscale_V512() => Downscale(VectorWidth.V512);

    [Benchmark(Baseline = true), BenchmarkCategory("Sad")]
    public void Sad_Copy() => Copy();

    [Benchmark, BenchmarkCategory("Sad")]
    public void Sad_Scalar() => Sad(VectorWidth.Scalar);

    [Benchmark, BenchmarkCategory("Sad")]
    public void Sad_V128() => Sad(VectorWidth.V128);

    [Benchmark, BenchmarkCategory("Sad")]
    public void Sad_V256() => Sad(VectorWidth.V256);

    [Benchmark, BenchmarkCategory("Sad")]
    public void Sad_V512() => Sad(VectorWidth.V512);

    [Benchmark(Baseline = true), BenchmarkCategory("Quantize")]
    public void Quantize_Copy() => Copy();

    [Benchmark, BenchmarkCategory("Quantize")]
    public void Quantize_Scalar() => Quantize(VectorWidth.Scalar);

    [Benchmark, BenchmarkCategory("Quantize")]
    public void Quantize_V128() => Quantize(VectorWidth.V128);

    [Benchmark, BenchmarkCategory("Quantize")]
    public void Quantize_V256() => Quantize(VectorWidth.V256);

    [Benchmark, BenchmarkCategory("Quantize")]
    public void Quantize_V512() => Quantize(VectorWidth.V512);

    [Benchmark(Baseline = true), BenchmarkCategory("ChromaDrop")]
    public void ChromaDrop_Copy() => Copy();

    [Benchmark, BenchmarkCategory("ChromaDrop")]
    public void ChromaDrop_Scalar() => ChromaDrop.Apply(_copy, _width, _height, _width, VectorWidth.Scalar);

    [Benchmark, BenchmarkCategory("ChromaDrop")]
    public void ChromaDrop_V512() => ChromaDrop.Apply(_copy, _width, _height, _width, VectorWidth.V512);

    private void Downscale(VectorWidth width) => PlaneDownscaler.Downscale2x2(_a, _width, _height, _width, _half, PlaneDownscaler.HalfOf(_width), width);

    private void Sad(VectorWidth width) => BlockSad.Compute(_a, _b, _width, _height, _width, _sads, width);

    private void Quantize(VectorWidth width)
    {
        // Quantizing is idempotent, so re-running on the same bytes costs the same every time.
        PlaneQuantizer.Quantize(_copy, _width, _height, _width, 4, width);
    }
}
