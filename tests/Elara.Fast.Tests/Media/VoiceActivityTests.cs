using Elara.Fast.Media.Voice;

namespace Elara.Fast.Tests.Media;

public sealed class VoiceActivityTests
{
    [Fact]
    public void Speech_over_a_noise_floor_is_active_with_hangover_and_noise_alone_is_not()
    {
        var vad = new VoiceActivityDetector();
        for (var i = 0; i < 50; i++)
        {
            Assert.False(vad.Update(-60));
        }

        Assert.True(vad.Update(-20));

        // Hangover: 15 quiet frames still count as speech, the 16th does not.
        for (var i = 0; i < VoiceActivityDetector.HangoverFrames; i++)
        {
            Assert.True(vad.Update(-60));
        }

        Assert.False(vad.Update(-60));
    }

    [Fact]
    public void A_loud_steady_noise_becomes_the_floor_and_stops_being_speech()
    {
        var vad = new VoiceActivityDetector();
        var active = 0;
        for (var i = 0; i < 1000; i++)
        {
            active += vad.Update(-30) ? 1 : 0;
        }

        // The floor rises 0.1 dB per frame from -64 dBFS: after ≈ 250 frames -30 is within 9 dB of it.
        Assert.InRange(active, 200, 300);
        Assert.False(vad.Update(-30));
        Assert.Equal(-30, vad.NoiseFloorDbfs, 6);
    }

    [Fact]
    public void Speaker_selection_holds_over_and_resists_brief_challengers()
    {
        var selector = new ActiveSpeakerSelector(3);
        double[] levels = [-20, -40, -80];
        bool[] active = [true, true, false];
        Assert.Equal(0, selector.Update(levels, active));

        // Stream 1 becomes 10 dB louder, but only for 5 frames: no switch.
        levels = [-30, -20, -80];
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(0, selector.Update(levels, active));
        }

        // It drops back for one frame, which resets its run.
        Assert.Equal(0, selector.Update([-20, -40, -80], active));

        // Sustained for 10 frames: switch.
        for (var i = 0; i < ActiveSpeakerSelector.SwitchFrames - 1; i++)
        {
            Assert.Equal(0, selector.Update(levels, active));
        }

        Assert.Equal(1, selector.Update(levels, active));

        // Everybody goes quiet: speaker 1 keeps the floor for the hold-over, then nobody holds it.
        active = [false, false, false];
        levels = [-80, -80, -80];
        for (var i = 0; i < ActiveSpeakerSelector.HoldOverFrames; i++)
        {
            Assert.Equal(1, selector.Update(levels, active));
        }

        Assert.Equal(-1, selector.Update(levels, active));

        // A free floor goes to the loudest active stream at once.
        Assert.Equal(2, selector.Update([-80, -80, -30], [false, false, true]));
        Assert.Equal(4, selector.Switches);
    }

    [Fact]
    public void Nobody_speaking_gives_no_speaker_and_ties_go_to_the_lower_index()
    {
        var selector = new ActiveSpeakerSelector(2);
        Assert.Equal(-1, selector.Update([-20, -20], [false, false]));
        Assert.Equal(0, selector.Update([-20, -20], [true, true]));
        Assert.Throws<ArgumentException>(() => selector.Update([-20], [true]));
    }

    [Fact]
    public void Concealment_repeats_then_fades_to_comfort_noise_over_the_burst()
    {
        var concealer = new LossConcealer(960, predictionEntropy: 99);
        var quiet = new short[960];
        var noise = new Elara.Fast.Media.Voice.ComfortNoise(1);
        noise.Fill(quiet, 100);
        for (var i = 0; i < 30; i++)
        {
            concealer.Good(quiet); // settle the floor near -55 dBFS
        }

        var loud = Enumerable.Repeat((short)10_000, 960).ToArray();
        concealer.Good(loud);
        var output = new short[960];
        concealer.Conceal(output);
        Assert.InRange(output[0], 9_900, 10_100); // the repeat starts at full gain
        Assert.InRange((int)output[^1], 7_800, 8_200); // and has faded to 4/5 by the end of the first lost frame

        for (var i = 1; i < LossConcealer.FadeFrames; i++)
        {
            concealer.Conceal(output);
        }

        // After the burst: comfort noise only, at the floor level (≈ -55 dBFS) and zero mean.
        concealer.Conceal(output);
        var level = VoiceLevel.Measure(output).Dbfs;
        Assert.InRange(level, -60, -50);
        Assert.InRange(output.Average(s => (double)s), -20, 20);
        Assert.Equal(LossConcealer.FadeFrames + 1, concealer.BurstLength);
        concealer.Good(loud);
        Assert.Equal(0, concealer.BurstLength);
    }
}
