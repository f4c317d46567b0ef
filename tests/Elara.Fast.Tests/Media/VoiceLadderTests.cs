using Elara.Fast.Media.Voice;

namespace Elara.Fast.Tests.Media;

public sealed class VoiceLadderTests
{
    [Theory]
    [InlineData(1_000_000, 0.0, VoiceStep.High)]
    [InlineData(768_000, 0.0, VoiceStep.High)]
    [InlineData(767_999, 0.0, VoiceStep.Standard)]
    [InlineData(256_000, 0.0, VoiceStep.Standard)]
    [InlineData(100_000, 0.0, VoiceStep.Minimal)]
    [InlineData(64_000, 0.0, VoiceStep.Minimal)]
    [InlineData(1_000, 0.0, VoiceStep.Envelope)]
    [InlineData(399, 0.0, VoiceStep.Silence)]
    [InlineData(1_000_000, 0.85, VoiceStep.Minimal)]
    [InlineData(1_000_000, 0.95, VoiceStep.Envelope)]
    [InlineData(100, 0.95, VoiceStep.Silence)]
    public void Allowed_picks_the_best_step_that_fits_bandwidth_and_cpu(long budget, double cpu, VoiceStep expected)
    {
        Assert.Equal(expected, VoiceDegradationLadder.Allowed(budget, cpu));
    }

    [Fact]
    public void Ladder_steps_down_at_once_and_up_one_rung_after_a_sustained_recovery()
    {
        var ladder = new VoiceDegradationLadder();
        Assert.Equal(VoiceStep.Minimal, ladder.Update(70_000, 0));
        Assert.Equal(1, ladder.Downgrades);

        // Plenty of bandwidth again: nine updates are not enough, the tenth climbs one rung only.
        for (var i = 0; i < VoiceDegradationLadder.UpgradeAfter - 1; i++)
        {
            Assert.Equal(VoiceStep.Minimal, ladder.Update(10_000_000, 0));
        }

        Assert.Equal(VoiceStep.Standard, ladder.Update(10_000_000, 0));
        for (var i = 0; i < VoiceDegradationLadder.UpgradeAfter; i++)
        {
            ladder.Update(10_000_000, 0);
        }

        Assert.Equal(VoiceStep.High, ladder.Current);
        Assert.Equal(2, ladder.Upgrades);
    }

    [Fact]
    public void Ladder_does_not_flap_when_the_budget_hovers_at_a_threshold()
    {
        // The budget alternates just under and just over Standard's 256 kbit/s: without headroom it would flap.
        var ladder = new VoiceDegradationLadder(VoiceStep.Standard);
        for (var i = 0; i < 200; i++)
        {
            ladder.Update(i % 2 == 0 ? 255_000 : 260_000, 0);
        }

        Assert.Equal(VoiceStep.Minimal, ladder.Current);
        Assert.Equal(1, ladder.Downgrades);
        Assert.Equal(0, ladder.Upgrades);
    }

    [Fact]
    public void Ladder_needs_cpu_hysteresis_before_climbing_back_over_a_cpu_threshold()
    {
        var ladder = new VoiceDegradationLadder();
        Assert.Equal(VoiceStep.Minimal, ladder.Update(10_000_000, 0.86));
        for (var i = 0; i < 50; i++)
        {
            ladder.Update(10_000_000, 0.80); // under 0.85 but not under 0.75
        }

        Assert.Equal(VoiceStep.Minimal, ladder.Current);
        for (var i = 0; i < VoiceDegradationLadder.UpgradeAfter; i++)
        {
            ladder.Update(10_000_000, 0.70);
        }

        Assert.Equal(VoiceStep.Standard, ladder.Current);
    }

    [Fact]
    public void Codec_payload_sizes_match_each_step()
    {
        var codec = new VoiceFrameCodec(G711Law.MuLaw, 1);
        var frame = SimdCases.RandomPcm(960, 3);
        var payload = new byte[2000];
        Assert.Equal(1920, codec.Encode(frame, VoiceStep.High, payload));
        Assert.Equal(640, codec.Encode(frame, VoiceStep.Standard, payload));
        Assert.Equal(160, codec.Encode(frame, VoiceStep.Minimal, payload));
        Assert.Equal(1, codec.Encode(frame, VoiceStep.Envelope, payload));
        Assert.Equal(0, codec.Encode(frame, VoiceStep.Silence, payload));
    }

    [Theory]
    [InlineData(VoiceStep.High, G711Law.MuLaw, 0.01)]
    [InlineData(VoiceStep.Standard, G711Law.MuLaw, 0.5)]
    [InlineData(VoiceStep.Minimal, G711Law.MuLaw, 0.5)]
    [InlineData(VoiceStep.Minimal, G711Law.ALaw, 0.5)]
    public void A_voice_band_tone_survives_each_pcm_step_down_and_back_up(VoiceStep step, G711Law law, double toleranceDb)
    {
        var sender = new VoiceFrameCodec(law, 1);
        var receiver = new VoiceFrameCodec(law, 1);
        var payload = new byte[2000];
        var rendered = new List<short>();
        for (var f = 0; f < 20; f++)
        {
            var frame = new short[960];
            for (var i = 0; i < frame.Length; i++)
            {
                frame[i] = (short)Math.Round(10_000 * Math.Sin(2 * Math.PI * 1000 * ((f * 960) + i) / 48_000.0));
            }

            var size = sender.Encode(frame, step, payload);
            var output = new short[960];
            Assert.Equal(960, receiver.Decode(step, payload.AsSpan(0, size), output));
            rendered.AddRange(output);
        }

        // A 1 kHz tone of amplitude 10 000 has RMS 7071; filters and G.711 keep it within the tolerance.
        var steady = rendered.Skip(9600).ToArray();
        var gainDb = 20 * Math.Log10(VoiceLevel.Measure(steady).Rms / (10_000 / Math.Sqrt(2)));
        Assert.True(Math.Abs(gainDb) < toleranceDb, $"{step}: {gainDb:F3} dB");
    }

    [Fact]
    public void The_envelope_step_renders_comfort_noise_at_the_sent_level()
    {
        var sender = new VoiceFrameCodec(G711Law.MuLaw, 1);
        var receiver = new VoiceFrameCodec(G711Law.MuLaw, 1);
        var frame = new short[960];
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = (short)(i % 2 == 0 ? 328 : -328); // RMS 328 = -40 dBFS
        }

        var payload = new byte[1];
        sender.Encode(frame, VoiceStep.Envelope, payload);
        Assert.Equal(40, payload[0]);
        var output = new short[960];
        Assert.Equal(960, receiver.Decode(VoiceStep.Envelope, payload, output));
        Assert.InRange(VoiceLevel.Measure(output).Dbfs, -41.5, -38.5);
        Assert.Equal(960, receiver.Decode(VoiceStep.Silence, [], output));
        Assert.All(output, s => Assert.Equal(0, s));
    }

    [Fact]
    public void Codec_reports_malformed_payloads_instead_of_throwing()
    {
        var codec = new VoiceFrameCodec(G711Law.ALaw, 1);
        var output = new short[960];
        Assert.Equal(-1, codec.Decode(VoiceStep.High, new byte[3], output));
        Assert.Equal(-1, codec.Decode(VoiceStep.High, new byte[1922], output));
        Assert.Equal(-1, codec.Decode(VoiceStep.Standard, new byte[642], output));
        Assert.Equal(-1, codec.Decode(VoiceStep.Minimal, new byte[161], output));
        Assert.Equal(-1, codec.Decode(VoiceStep.Envelope, [], output));
    }
}
