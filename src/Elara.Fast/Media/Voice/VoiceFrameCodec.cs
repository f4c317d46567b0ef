using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>Which G.711 law the <see cref="VoiceStep.Minimal"/> step uses.</summary>
public enum G711Law : byte
{
    /// <summary>µ-law (North America, Japan).</summary>
    MuLaw = 0,

    /// <summary>A-law (Europe and most of the world).</summary>
    ALaw = 1,
}

/// <summary>
/// Converts one stream's 48 kHz PCM16 frames to the payload of a ladder step (sender side) and payloads back
/// to 48 kHz PCM16 (receiver side). PCM payloads are little-endian 16-bit; the envelope is one RFC 3389 level
/// byte; silence is empty. Opaque codec payloads never come here: they pass through untouched.
/// </summary>
/// <remarks>
/// Memory is fixed at construction (resamplers and one scratch frame). When the step changes, the resampler of
/// the new step starts from silence (its history is reset), which fades the first ≈ 3 ms in instead of replaying
/// stale history. Not thread-safe: one instance per stream and direction.
/// </remarks>
public sealed class VoiceFrameCodec
{
    private readonly VoiceResampler downTo16 = VoiceResampler.CreateDownsampler(3);
    private readonly VoiceResampler downTo8 = VoiceResampler.CreateDownsampler(6);
    private readonly VoiceResampler upFrom16 = VoiceResampler.CreateUpsampler(3);
    private readonly VoiceResampler upFrom8 = VoiceResampler.CreateUpsampler(6);
    private readonly short[] scratch = new short[VoiceResampler.MaxInputSamples];
    private ComfortNoise noise;
    private VoiceStep lastEncoded = VoiceStep.High;
    private VoiceStep lastDecoded = VoiceStep.High;

    /// <summary>Creates a codec.</summary>
    /// <param name="law">The G.711 law of the minimal step.</param>
    /// <param name="noiseSeed">The comfort-noise seed (e.g. <c>PredictionEntropy</c> mixed with the stream id).</param>
    public VoiceFrameCodec(G711Law law, ulong noiseSeed)
    {
        Law = law;
        noise = new ComfortNoise(noiseSeed);
    }

    /// <summary>The G.711 law of the minimal step.</summary>
    public G711Law Law { get; }

    /// <summary>The payload size of a step for a 48 kHz frame of <paramref name="samples48k"/> samples.</summary>
    /// <param name="step">The step.</param>
    /// <param name="samples48k">The frame length at 48 kHz (a multiple of 6).</param>
    /// <returns>The payload size in bytes.</returns>
    public static int PayloadBytes(VoiceStep step, int samples48k) => step switch
    {
        VoiceStep.High => samples48k * 2,
        VoiceStep.Standard => samples48k / 3 * 2,
        VoiceStep.Minimal => samples48k / 6,
        VoiceStep.Envelope => 1,
        _ => 0,
    };

    /// <summary>Converts a 48 kHz frame down to the payload of <paramref name="step"/>.</summary>
    /// <param name="pcm48k">The frame: a multiple of 6 samples, at most <see cref="VoiceResampler.MaxInputSamples"/>.</param>
    /// <param name="step">The ladder step to send.</param>
    /// <param name="payload">Receives <see cref="PayloadBytes"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public int Encode(ReadOnlySpan<short> pcm48k, VoiceStep step, Span<byte> payload)
    {
        var size = PayloadBytes(step, pcm48k.Length);
        if (pcm48k.Length % 6 != 0 || pcm48k.Length > VoiceResampler.MaxInputSamples || payload.Length < size)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(pcm48k), "The frame must be a multiple of 6 samples up to 2880, and the payload must hold PayloadBytes.");
        }

        if (step != lastEncoded)
        {
            downTo16.Reset();
            downTo8.Reset();
            lastEncoded = step;
        }

        switch (step)
        {
            case VoiceStep.High:
                WritePcm(pcm48k, payload);
                break;
            case VoiceStep.Standard:
                var count16 = downTo16.Process(pcm48k, scratch);
                WritePcm(scratch.AsSpan(0, count16), payload);
                break;
            case VoiceStep.Minimal:
                var count8 = downTo8.Process(pcm48k, scratch);
                if (Law == G711Law.MuLaw)
                {
                    G711.EncodeMuLaw(scratch.AsSpan(0, count8), payload);
                }
                else
                {
                    G711.EncodeALaw(scratch.AsSpan(0, count8), payload);
                }

                break;
            case VoiceStep.Envelope:
                payload[0] = ComfortNoise.LevelByte(VoiceLevel.Measure(pcm48k).Dbfs);
                break;
        }

        return size;
    }

    /// <summary>Renders a payload back to 48 kHz PCM16.</summary>
    /// <param name="step">The step the payload was sent at.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="pcm48k">Receives the frame. For the envelope and silence, the whole span is filled (its length is the frame length).</param>
    /// <returns>The number of samples written, or −1 when the payload is malformed (odd PCM length, too long, empty envelope).</returns>
    public int Decode(VoiceStep step, ReadOnlySpan<byte> payload, Span<short> pcm48k)
    {
        if (step != lastDecoded)
        {
            upFrom16.Reset();
            upFrom8.Reset();
            lastDecoded = step;
        }

        switch (step)
        {
            case VoiceStep.High:
                if (payload.Length % 2 != 0 || payload.Length / 2 > pcm48k.Length)
                {
                    return -1;
                }

                return ReadPcm(payload, pcm48k);
            case VoiceStep.Standard:
                if (payload.Length % 2 != 0 || payload.Length / 2 * 3 > Math.Min(pcm48k.Length, VoiceResampler.MaxInputSamples))
                {
                    return -1;
                }

                var count16 = ReadPcm(payload, scratch);
                return upFrom16.Process(scratch.AsSpan(0, count16), pcm48k);
            case VoiceStep.Minimal:
                if (payload.Length * 6 > Math.Min(pcm48k.Length, VoiceResampler.MaxInputSamples))
                {
                    return -1;
                }

                var narrow = scratch.AsSpan(0, payload.Length);
                if (Law == G711Law.MuLaw)
                {
                    G711.DecodeMuLaw(payload, narrow);
                }
                else
                {
                    G711.DecodeALaw(payload, narrow);
                }

                return upFrom8.Process(narrow, pcm48k);
            case VoiceStep.Envelope:
                if (payload.Length != 1)
                {
                    return -1;
                }

                noise.Fill(pcm48k, ComfortNoise.Amplitude(payload[0]));
                return pcm48k.Length;
            default:
                pcm48k.Clear();
                return pcm48k.Length;
        }
    }

    private static void WritePcm(ReadOnlySpan<short> samples, Span<byte> payload)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(samples).CopyTo(payload);
            return;
        }

        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(payload[(2 * i)..], samples[i]);
        }
    }

    private static int ReadPcm(ReadOnlySpan<byte> payload, Span<short> samples)
    {
        var count = payload.Length / 2;
        if (BitConverter.IsLittleEndian)
        {
            payload.CopyTo(MemoryMarshal.AsBytes(samples));
            return count;
        }

        for (var i = 0; i < count; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(payload[(2 * i)..]);
        }

        return count;
    }
}
