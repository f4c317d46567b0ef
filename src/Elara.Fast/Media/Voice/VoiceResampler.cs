using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// A streaming 48 kHz resampler for one voice stream: 48 → 24/16/8 kHz (decimation by 2, 3 or 6 after the
/// anti-alias filter of <see cref="FirTaps"/>) or the matching interpolation back to 48 kHz. It keeps the
/// filter's history between frames, so consecutive frames come out as one continuous signal, delayed by the
/// filter's group delay ((N − 1) / 2 samples at 48 kHz).
/// </summary>
/// <remarks>
/// Memory is fixed at construction: a frame longer than <see cref="MaxInputSamples"/> is refused with
/// <see cref="ArgumentOutOfRangeException"/> (the ladder never sends one; 60 ms at 48 kHz is 2880).
/// Not thread-safe: one instance per stream and direction.
/// </remarks>
public sealed class VoiceResampler
{
    /// <summary>The longest input frame one call takes: 60 ms at 48 kHz.</summary>
    public const int MaxInputSamples = 2880;

    private readonly FirTaps taps;
    private readonly short[] buffer;
    private readonly int history;
    private readonly int padding;

    private VoiceResampler(FirTaps taps, int factor, bool decimating)
    {
        this.taps = taps;
        Factor = factor;
        IsDownsampler = decimating;
        history = taps.Length - 1;
        padding = taps.Stride - taps.Length + 1;
        buffer = new short[history + MaxInputSamples + padding];
    }

    /// <summary>The rate ratio (2, 3 or 6).</summary>
    public int Factor { get; }

    /// <summary>True for 48 kHz → 48/M kHz, false for the way back up.</summary>
    public bool IsDownsampler { get; }

    /// <summary>A resampler from 48 kHz down to 48/<paramref name="factor"/> kHz.</summary>
    /// <param name="factor">2 (24 kHz), 3 (16 kHz) or 6 (8 kHz).</param>
    /// <returns>A new resampler with silent history.</returns>
    public static VoiceResampler CreateDownsampler(int factor) => new(FirTaps.Decimator(factor), factor, decimating: true);

    /// <summary>A resampler from 48/<paramref name="factor"/> kHz up to 48 kHz.</summary>
    /// <param name="factor">2 (from 24 kHz), 3 (from 16 kHz) or 6 (from 8 kHz).</param>
    /// <returns>A new resampler with silent history.</returns>
    public static VoiceResampler CreateUpsampler(int factor) => new(FirTaps.Interpolator(factor), factor, decimating: false);

    /// <summary>How many samples <see cref="Process(ReadOnlySpan{short}, Span{short}, VectorWidth)"/> writes for an input of <paramref name="inputLength"/>.</summary>
    /// <param name="inputLength">The input frame length.</param>
    /// <returns>The output frame length.</returns>
    public int OutputLength(int inputLength) => IsDownsampler ? inputLength / Factor : inputLength * Factor;

    /// <summary>Resamples one frame with the widest vector path.</summary>
    /// <param name="input">The frame (for a downsampler, a multiple of <see cref="Factor"/> samples).</param>
    /// <param name="output">Receives <see cref="OutputLength(int)"/> samples.</param>
    /// <returns>The number of samples written.</returns>
    public int Process(ReadOnlySpan<short> input, Span<short> output) => Process(input, output, VectorWidths.Widest);

    /// <summary>Resamples one frame with the given path.</summary>
    /// <param name="input">The frame (for a downsampler, a multiple of <see cref="Factor"/> samples).</param>
    /// <param name="output">Receives <see cref="OutputLength(int)"/> samples.</param>
    /// <param name="width">The path to run (lowered to what the CPU offers).</param>
    /// <returns>The number of samples written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The frame is too long, not a multiple of the factor, or the output is too short.</exception>
    public int Process(ReadOnlySpan<short> input, Span<short> output, VectorWidth width)
    {
        if (input.Length > MaxInputSamples || (IsDownsampler && input.Length % Factor != 0))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(input), "The frame must be at most 2880 samples and, when downsampling, a multiple of the factor.");
        }

        var produced = OutputLength(input.Length);
        if (output.Length < produced)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(output), "The output is shorter than OutputLength(input.Length).");
        }

        // buffer = [history | frame | padding]: the padding (zeros, met only by zero taps) lets every output use a vector path.
        input.CopyTo(buffer.AsSpan(history));
        buffer.AsSpan(history + input.Length, padding).Clear();
        FirKernel.Run(buffer.AsSpan(0, history + input.Length + padding), taps, IsDownsampler ? Factor : 1, output[..produced], width);
        buffer.AsSpan(input.Length, history).CopyTo(buffer);
        return produced;
    }

    /// <summary>Forgets the history (the next frame starts from silence).</summary>
    public void Reset() => Array.Clear(buffer);
}
