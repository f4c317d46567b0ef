using Elara.Fast.Media.Voice;

namespace Elara.Fast.Tests.Media;

/// <summary>Scripted arrivals (explicit timestamps) against a playout clock that reads every 20 ms.</summary>
public sealed class VoiceJitterBufferTests
{
    private const int Samples = 160;
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void In_order_on_time_frames_play_unchanged_with_the_minimum_delay()
    {
        var buffer = NewBuffer();
        var outcomes = Run(buffer, Enumerable.Range(0, 50).Select(i => ((ushort)i, Ms(i * 20))).ToArray(), reads: 50, out var played);

        Assert.All(outcomes, o => Assert.Equal(JitterPlayout.Played, o));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (short)(i + 1)).ToArray(), played);
        var stats = buffer.Statistics;
        Assert.Equal(50, stats.Played);
        Assert.Equal(0, stats.Lost + stats.Late + stats.Concealed + stats.Underruns);
        Assert.Equal(TimeSpan.Zero, stats.Jitter);
        Assert.Equal(Frame, stats.TargetDelay);
        Assert.Equal(TimeSpan.Zero, stats.CurrentDelay);
    }

    [Fact]
    public void A_missing_frame_is_concealed_and_counted_lost_and_a_late_copy_is_dropped()
    {
        // Two frames of delay: read r plays frame r - 1, so frame 8 is queued when frame 7 is due.
        var buffer = NewBuffer(minDelay: 2);
        var arrivals = Enumerable.Range(0, 20).Where(i => i != 7).Select(i => ((ushort)i, Ms(i * 20))).ToList();
        var outcomes = Run(buffer, [.. arrivals], reads: 12, out var played);

        Assert.Equal(JitterPlayout.Buffering, outcomes[0]);
        Assert.Equal(JitterPlayout.ConcealedLoss, outcomes[8]);
        Assert.Equal(10, outcomes.Count(o => o == JitterPlayout.Played));

        // The first concealed frame starts as a repeat of frame 6 (value 7) at full gain and fades.
        Assert.Equal(7, played[8]);
        Assert.Equal(9, played[9]);
        Assert.Equal(JitterInsertResult.Late, buffer.Insert(7, Ms(400), Filled(8)));
        var stats = buffer.Statistics;
        Assert.Equal(1, stats.Lost);
        Assert.Equal(1, stats.Late);
        Assert.Equal(1, stats.Concealed);
        Assert.Equal(0, stats.Underruns);
    }

    [Fact]
    public void Reordered_frames_within_the_delay_play_in_order_without_loss()
    {
        var buffer = NewBuffer(minDelay: 3);
        (ushort, TimeSpan)[] arrivals = [(0, Ms(0)), (2, Ms(40)), (1, Ms(45)), (3, Ms(60)), (5, Ms(100)), (4, Ms(101)), (6, Ms(120)), (7, Ms(140)), (8, Ms(160))];
        var outcomes = Run(buffer, arrivals, reads: 10, out var played);

        // Buffering until three frames are queued (t = 40 ms), then frames 0..6 in order.
        Assert.Equal([JitterPlayout.Buffering, JitterPlayout.Buffering], outcomes.Take(2));
        Assert.Equal(new short[] { 1, 2, 3, 4, 5, 6, 7 }, played.Skip(2).Take(7).ToArray());
        Assert.Equal(0, buffer.Statistics.Lost);
        Assert.Equal(0, buffer.Statistics.Late);
    }

    [Fact]
    public void Duplicates_are_ignored_before_and_after_playout()
    {
        var buffer = NewBuffer();
        Assert.Equal(JitterInsertResult.Accepted, buffer.Insert(0, Ms(0), Filled(1)));
        Assert.Equal(JitterInsertResult.Duplicate, buffer.Insert(0, Ms(1), Filled(1)));
        var output = new short[Samples];
        Assert.Equal(JitterPlayout.Played, buffer.Read(output));
        Assert.Equal(JitterInsertResult.Duplicate, buffer.Insert(0, Ms(21), Filled(1)));
        Assert.Equal(2, buffer.Statistics.Duplicates);
        Assert.Equal(1, buffer.Statistics.Received);
    }

    [Fact]
    public void Jitter_follows_rfc_3550_and_the_target_delay_follows_the_jitter()
    {
        // Transit alternates 0 and 30 ms: |D| = 30 ms every frame, so J converges to 30 ms (RFC 3550 §6.4.1).
        var buffer = NewBuffer(capacity: 32);
        for (var i = 0; i < 200; i++)
        {
            buffer.Insert((ushort)i, Ms((i * 20) + (i % 2 == 0 ? 0 : 30)), Filled(1));
        }

        Assert.InRange(buffer.Jitter.TotalMilliseconds, 29.5, 30.0);

        // Target = 1 + ceil(3 * 30 / 20) = 6 frames.
        Assert.Equal(6, buffer.TargetDelayFrames);
        Assert.Equal(TimeSpan.FromMilliseconds(120), buffer.Statistics.TargetDelay);

        // Steady arrivals again: J decays by 1/16 per frame and the target comes back down to the minimum.
        for (var i = 200; i < 400; i++)
        {
            buffer.Insert((ushort)i, Ms(i * 20), Filled(1));
        }

        Assert.True(buffer.Jitter < TimeSpan.FromMilliseconds(0.01), buffer.Jitter.ToString());
        Assert.Equal(1, buffer.TargetDelayFrames);
    }

    [Fact]
    public void Under_jitter_playout_waits_for_the_target_and_then_plays_everything()
    {
        // Each frame delayed 0..55 ms (a fixed pseudo-random script); reads every 20 ms after a 100 ms head start.
        var random = new Random(7);
        var arrivals = Enumerable.Range(0, 300).Select(i => ((ushort)i, Ms((i * 20) + random.Next(0, 56)))).OrderBy(a => a.Item2).ToArray();
        var buffer = NewBuffer(minDelay: 5, capacity: 16);
        var outcomes = Run(buffer, arrivals, reads: 280, out _, readOffsetMs: 100);

        var stats = buffer.Statistics;
        Assert.True(stats.Played >= 270, $"played {stats.Played}");
        Assert.Equal(0, stats.Late);
        Assert.InRange(stats.Jitter.TotalMilliseconds, 5, 40);
        Assert.True(stats.TargetDelay >= TimeSpan.FromMilliseconds(100));
        Assert.Equal(stats.Played, outcomes.Count(o => o == JitterPlayout.Played));
    }

    [Fact]
    public void An_empty_buffer_underruns_and_stretches_then_shrinks_back_to_the_target()
    {
        var buffer = NewBuffer();
        var output = new short[Samples];
        buffer.Insert(0, Ms(0), Filled(1));
        Assert.Equal(JitterPlayout.Played, buffer.Read(output));

        // Nothing arrives for three reads: underruns, the playout point stays at 1.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(JitterPlayout.ConcealedUnderrun, buffer.Read(output));
        }

        // Then frames 1..6 arrive at once (t = 80 ms). Their transit times fall 60, 40, … -40 ms, so |D| is 60 then
        // 20 ms: 16J = 60, 76, 91, 105, 118, 131 (RFC 3550 A.8, in ms), J ≈ 8.2 ms, target 1 + ⌈24.6 / 20⌉ = 3.
        for (var s = 1; s <= 6; s++)
        {
            buffer.Insert((ushort)s, Ms(80), Filled((short)(s + 1)));
        }

        Assert.Equal(3, buffer.TargetDelayFrames);

        // Queued 6: play frame 1, 5 still queued > 3 + 1, so frame 2 is dropped; then frame 3 plays and 3 stay queued.
        Assert.Equal(JitterPlayout.Played, buffer.Read(output));
        Assert.Equal(2, output[0]);
        Assert.Equal(JitterPlayout.Played, buffer.Read(output));
        Assert.Equal(4, output[0]);
        var stats = buffer.Statistics;
        Assert.Equal(3, stats.Underruns);
        Assert.Equal(3, stats.Concealed);
        Assert.Equal(0, stats.Lost);
        Assert.Equal(1, stats.DiscardedForDelay);
        Assert.Equal(3, buffer.QueuedFrames);
        Assert.Equal(TimeSpan.FromMilliseconds(60), stats.CurrentDelay);
    }

    [Fact]
    public void A_frame_beyond_the_capacity_restarts_the_buffer_and_memory_stays_bounded()
    {
        var buffer = NewBuffer(capacity: 8, minDelay: 2);
        for (var s = 0; s < 4; s++)
        {
            buffer.Insert((ushort)s, Ms(s * 20), Filled(1));
        }

        Assert.Equal(JitterInsertResult.Resynchronized, buffer.Insert(500, Ms(10_000), Filled(9)));
        var stats = buffer.Statistics;
        Assert.Equal(1, stats.Resyncs);
        Assert.Equal(4, stats.Overflowed);
        var output = new short[Samples];
        Assert.Equal(JitterPlayout.Buffering, buffer.Read(output));
        buffer.Insert(501, Ms(10_020), Filled(10));
        Assert.Equal(JitterPlayout.Played, buffer.Read(output));
        Assert.Equal(9, output[0]);
    }

    [Fact]
    public void Sequence_numbers_wrap()
    {
        var buffer = NewBuffer();
        var arrivals = Enumerable.Range(0, 10).Select(i => ((ushort)(65_531 + i), Ms(i * 20))).ToArray();
        var outcomes = Run(buffer, arrivals, reads: 10, out _);
        Assert.All(outcomes, o => Assert.Equal(JitterPlayout.Played, o));
    }

    [Fact]
    public void A_frame_of_the_wrong_length_is_refused_and_counted()
    {
        var buffer = NewBuffer();
        Assert.Equal(JitterInsertResult.Malformed, buffer.Insert(0, Ms(0), new short[Samples - 1]));
        Assert.Equal(1, buffer.Statistics.Malformed);
        Assert.Equal(JitterPlayout.Buffering, buffer.Read(new short[Samples]));
    }

    [Fact]
    public void Same_seed_same_concealment_and_another_seed_differs()
    {
        var a = ConcealedOutput(seed: 42);
        Assert.Equal(a, ConcealedOutput(seed: 42));
        Assert.NotEqual(a, ConcealedOutput(seed: 43));
    }

    [Fact]
    public void Insert_and_read_do_not_allocate()
    {
        var buffer = NewBuffer();
        var frame = Filled(3);
        var output = new short[Samples];
        for (var i = 0; i < 100; i++)
        {
            buffer.Insert((ushort)i, Ms(i * 20), frame);
            buffer.Read(output);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 100; i < 10_000; i++)
        {
            if (i % 10 != 0)
            {
                buffer.Insert((ushort)i, Ms(i * 20), frame);
            }

            buffer.Read(output);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static short[] ConcealedOutput(ulong seed)
    {
        var buffer = new VoiceJitterBuffer(Samples, Frame, 16, 1, seed);
        var output = new short[Samples];
        var all = new List<short>();
        buffer.Insert(0, Ms(0), Filled(1000));
        buffer.Read(output);
        for (var i = 0; i < 8; i++)
        {
            buffer.Read(output);
            all.AddRange(output);
        }

        return [.. all];
    }

    private static VoiceJitterBuffer NewBuffer(int minDelay = 1, int capacity = 16) => new(Samples, Frame, capacity, minDelay, predictionEntropy: 0x5EED);

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    private static short[] Filled(short value) => Enumerable.Repeat(value, Samples).ToArray();

    /// <summary>
    /// Runs a script: frame i carries the value i + 1 in every sample; reads happen every 20 ms from
    /// <paramref name="readOffsetMs"/>, each after every arrival at or before its time has been inserted.
    /// </summary>
    private static List<JitterPlayout> Run(VoiceJitterBuffer buffer, (ushort Sequence, TimeSpan Arrival)[] arrivals, int reads, out short[] firstSamples, double readOffsetMs = 0)
    {
        var outcomes = new List<JitterPlayout>();
        var firsts = new List<short>();
        var output = new short[Samples];
        var next = 0;
        for (var r = 0; r < reads; r++)
        {
            var now = Ms(readOffsetMs + (r * 20));
            while (next < arrivals.Length && arrivals[next].Arrival <= now)
            {
                buffer.Insert(arrivals[next].Sequence, arrivals[next].Arrival, Filled((short)((ushort)(arrivals[next].Sequence + 1))));
                next++;
            }

            outcomes.Add(buffer.Read(output));
            firsts.Add(output[0]);
        }

        firstSamples = [.. firsts];
        return outcomes;
    }
}
