using BenchmarkDotNet.Attributes;
using Elara.Fast.Media;
using Elara.Fast.Media.Voice;

namespace Elara.Fast.Benchmarks.Media;

/// <summary>
/// One voice kernel at every width plus a <c>Buffer.MemoryCopy</c> of the same number of bytes (the baseline,
/// so the Ratio column is "time relative to copying the bytes"). <see cref="Bytes"/> is the PCM16 bytes the
/// kernel processes per call (each class says which side it counts): 16 KiB sits in L1, 512 KiB in L2.
/// GB/s = Bytes / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public abstract class VoiceKernelBenchmark
{
    private byte[] copySource = [];
    private byte[] copyDestination = [];

    /// <summary>The bytes processed per call.</summary>
    [Params(16 * 1024, 512 * 1024)]
    public int Bytes { get; set; }

    /// <summary>PCM16 samples in <see cref="Bytes"/>.</summary>
    protected int Samples => Bytes / 2;

    [GlobalSetup]
    public void Setup()
    {
        copySource = new byte[Bytes];
        copyDestination = new byte[Bytes];
        new Random(1).NextBytes(copySource);
        Prepare();
    }

    [Benchmark(Baseline = true)]
    public unsafe void Copy()
    {
        fixed (byte* source = copySource)
        fixed (byte* destination = copyDestination)
        {
            Buffer.MemoryCopy(source, destination, Bytes, Bytes);
        }
    }

    [Benchmark]
    public void Scalar() => Run(VectorWidth.Scalar);

    [Benchmark]
    public void V128() => Run(VectorWidth.V128);

    [Benchmark]
    public void V256() => Run(VectorWidth.V256);

    [Benchmark]
    public void V512() => Run(VectorWidth.V512);

    protected abstract void Prepare();

    protected abstract void Run(VectorWidth width);

    protected static short[] Pcm(int samples)
    {
        var random = new Random(2);
        var pcm = new short[samples];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        return pcm;
    }
}

/// <summary>Mixing 4 streams; Bytes = all four input streams together.</summary>
public class MixFourStreamsBenchmark : VoiceKernelBenchmark
{
    private short[] streams = [];
    private short[] output = [];

    protected override void Prepare()
    {
        streams = Pcm(Samples);
        output = new short[Samples / 4];
    }

    protected override void Run(VectorWidth width) => VoiceMixer.Mix(streams, 4, output, width);
}

/// <summary>Q15 gain; Bytes = input PCM.</summary>
public class GainBenchmark : VoiceKernelBenchmark
{
    private short[] input = [];
    private short[] output = [];

    protected override void Prepare()
    {
        input = Pcm(Samples);
        output = new short[Samples];
    }

    protected override void Run(VectorWidth width) => VoiceGain.Apply(input, output, 23_170, width);
}

/// <summary>µ-law encoding; Bytes = input PCM.</summary>
public class MuLawEncodeBenchmark : VoiceKernelBenchmark
{
    private short[] input = [];
    private byte[] output = [];

    protected override void Prepare()
    {
        input = Pcm(Samples);
        output = new byte[Samples];
    }

    protected override void Run(VectorWidth width) => G711.EncodeMuLaw(input, output, width);
}

/// <summary>A-law encoding; Bytes = input PCM.</summary>
public class ALawEncodeBenchmark : VoiceKernelBenchmark
{
    private short[] input = [];
    private byte[] output = [];

    protected override void Prepare()
    {
        input = Pcm(Samples);
        output = new byte[Samples];
    }

    protected override void Run(VectorWidth width) => G711.EncodeALaw(input, output, width);
}

/// <summary>µ-law decoding; Bytes = output PCM.</summary>
public class MuLawDecodeBenchmark : VoiceKernelBenchmark
{
    private byte[] input = [];
    private short[] output = [];

    protected override void Prepare()
    {
        input = new byte[Samples];
        new Random(3).NextBytes(input);
        output = new short[Samples];
    }

    protected override void Run(VectorWidth width) => G711.DecodeMuLaw(input, output, width);
}

/// <summary>Sum of squares (RMS level); Bytes = input PCM.</summary>
public class LevelBenchmark : VoiceKernelBenchmark
{
    private short[] input = [];

    public ulong Sum { get; private set; }

    protected override void Prepare() => input = Pcm(Samples);

    protected override void Run(VectorWidth width) => Sum = VoiceLevel.SumSquares(input, width);
}

/// <summary>The FIR decimator 48 → 8 kHz (261 taps); Bytes = input PCM at 48 kHz.</summary>
public class DecimateBy6Benchmark : FirBenchmark
{
    public DecimateBy6Benchmark()
        : base(6, decimating: true)
    {
    }
}

/// <summary>The FIR decimator 48 → 16 kHz (131 taps); Bytes = input PCM at 48 kHz.</summary>
public class DecimateBy3Benchmark : FirBenchmark
{
    public DecimateBy3Benchmark()
        : base(3, decimating: true)
    {
    }
}

/// <summary>The polyphase interpolator 8 → 48 kHz (6 phases of 44 taps); Bytes = output PCM at 48 kHz.</summary>
public class InterpolateBy6Benchmark : FirBenchmark
{
    public InterpolateBy6Benchmark()
        : base(6, decimating: false)
    {
    }
}

/// <summary>The FIR kernel on one large buffer (the streaming resampler calls it once per frame).</summary>
public abstract class FirBenchmark(int factor, bool decimating) : VoiceKernelBenchmark
{
    private short[] input = [];
    private short[] output = [];
    private FirTaps taps = null!;

    protected override void Prepare()
    {
        var firTaps = decimating ? FirTaps.Decimator(factor) : FirTaps.Interpolator(factor);
        taps = firTaps;
        input = Pcm((decimating ? Samples : Samples / factor) + firTaps.Stride);
        output = new short[decimating ? Samples / factor : Samples];
    }

    protected override void Run(VectorWidth width) => FirKernel.Run(input, taps, decimating ? factor : 1, output, width);
}
