using Elara.Fast.Media;
using Elara.Fast.Media.Voice;

namespace Elara.Fast.Tests.Media;

/// <summary>The per-frame voice paths allocate nothing once warm.</summary>
public sealed class VoiceAllocationTests
{
    [Fact]
    public void Kernels_codec_and_selection_do_not_allocate()
    {
        var pcm = SimdCases.RandomPcm(960 * 4, seed: 1);
        var mixed = new short[960];
        var codes = new byte[960];
        var payload = new byte[2000];
        var rendered = new short[960];
        var sender = new VoiceFrameCodec(G711Law.ALaw, 1);
        var receiver = new VoiceFrameCodec(G711Law.ALaw, 1);
        var selector = new ActiveSpeakerSelector(2);
        var vad = new VoiceActivityDetector();
        double[] levels = [-20, -30];
        bool[] active = [true, false];

        void Frame(int i)
        {
            foreach (var width in VectorWidths.Supported)
            {
                VoiceMixer.Mix(pcm, 4, mixed, width);
                VoiceGain.Apply(mixed, mixed, 20_000, width);
                G711.EncodeMuLaw(mixed, codes, width);
                G711.DecodeALaw(codes, mixed, width);
                levels[0] = VoiceLevel.Measure(mixed, width).Dbfs;
            }

            var step = (VoiceStep)(i % VoiceSteps.Count);
            var size = sender.Encode(pcm.AsSpan(0, 960), step, payload);
            receiver.Decode(step, payload.AsSpan(0, size), rendered);
            active[1] = vad.Update(levels[0]);
            selector.Update(levels, active);
        }

        for (var i = 0; i < 50; i++)
        {
            Frame(i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            Frame(i);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
