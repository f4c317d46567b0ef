using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>What <see cref="VoiceJitterBuffer.Insert"/> did with a frame.</summary>
public enum JitterInsertResult : byte
{
    /// <summary>Buffered for playout.</summary>
    Accepted = 0,

    /// <summary>A copy of a frame already buffered or played: ignored.</summary>
    Duplicate = 1,

    /// <summary>Arrived after its playout time: dropped (the frame was concealed or skipped).</summary>
    Late = 2,

    /// <summary>Not the configured frame length: dropped.</summary>
    Malformed = 3,

    /// <summary>So far ahead that it did not fit the capacity: the buffer restarted from this frame.</summary>
    Resynchronized = 4,
}

/// <summary>What <see cref="VoiceJitterBuffer.Read"/> wrote.</summary>
public enum JitterPlayout : byte
{
    /// <summary>Still filling up to the target delay: silence.</summary>
    Buffering = 0,

    /// <summary>The next frame, as received.</summary>
    Played = 1,

    /// <summary>The next frame was missing while newer ones were buffered: concealment, and the playout point moved on.</summary>
    ConcealedLoss = 2,

    /// <summary>Nothing was buffered: concealment, and the playout point stayed (the delay grew by one frame).</summary>
    ConcealedUnderrun = 3,
}

/// <summary>
/// An adaptive jitter buffer for one voice stream of fixed-duration frames with 16-bit sequence numbers.
/// The receive path calls <see cref="Insert"/> with each frame and its arrival time; the playout clock calls
/// <see cref="Read"/> once per frame duration.
/// </summary>
/// <remarks>
/// <para><b>Delay follows jitter.</b> The interarrival jitter J is the RFC 3550 §6.4.1 estimator (integer form
/// of its appendix A.8: J += (|D| − J) / 16, D the change in transit time, media time = sequence × frame
/// duration). The target delay is <c>MinDelayFrames + ⌈3J / frame⌉</c> frames, at most <c>Capacity − 1</c>.
/// Playout starts once the target is buffered. When the buffer runs dry, a read conceals without moving the
/// playout point (the delay grows one frame); when more than target + 1 frames are queued, a read plays one
/// and drops the next (the delay shrinks one frame), so the delay tracks the target in both directions.</para>
/// <para><b>Loss, lateness, order.</b> A frame missing at its turn while newer ones are queued is lost and
/// concealed by <see cref="LossConcealer"/>; if it arrives afterwards it is late and dropped. Reordered frames
/// are put back in order by sequence; duplicates are ignored.</para>
/// <para><b>Bounded memory.</b> <c>Capacity</c> slots of one frame each are allocated up front. A frame too far
/// ahead to fit (sequence ≥ playout point + capacity, e.g. after a long outage) discards what is buffered
/// (counted in <see cref="JitterBufferStatistics.Overflowed"/>) and restarts buffering from that frame
/// (<see cref="JitterBufferStatistics.Resyncs"/>). Insert and Read never allocate. Not thread-safe: the
/// owner serializes calls (in the node, both run on the stream's pipeline stage).</para>
/// </remarks>
public sealed class VoiceJitterBuffer
{
    private readonly short[] samples;
    private readonly long[] slotSequence;
    private readonly int mask;
    private readonly long frameTicks;
    private readonly LossConcealer concealer;

    private bool hasFrames;
    private bool playing;
    private long nextPlay;
    private long highest;
    private long lastTransit;
    private bool hasTransit;
    private long jitterTimes16; // RFC 3550 A.8 keeps 16 × J in an integer so the estimator is exact and deterministic.

    private long received;
    private long played;
    private long late;
    private long lost;
    private long underruns;
    private long duplicates;
    private long discardedForDelay;
    private long resyncs;
    private long overflowed;
    private long malformed;

    /// <summary>Creates a buffer.</summary>
    /// <param name="frameSamples">The samples per frame (e.g. 960 for 20 ms at 48 kHz).</param>
    /// <param name="frameDuration">The duration of one frame.</param>
    /// <param name="capacity">The frames it can hold: a power of two from 4 to 1024.</param>
    /// <param name="minDelayFrames">The smallest target delay, in frames (at least 1, below the capacity).</param>
    /// <param name="predictionEntropy">The concealment seed (<c>NodeConfig.PredictionEntropy</c>).</param>
    /// <param name="streamKey">Distinguishes streams under one seed.</param>
    public VoiceJitterBuffer(int frameSamples, TimeSpan frameDuration, int capacity, int minDelayFrames, ulong predictionEntropy, ulong streamKey = 0)
    {
        if (frameSamples <= 0 || frameDuration <= TimeSpan.Zero)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(frameSamples), "The frame length and duration must be positive.");
        }

        if (capacity is < 4 or > 1024 || (capacity & (capacity - 1)) != 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(capacity), "The capacity must be a power of two from 4 to 1024.");
        }

        if (minDelayFrames < 1 || minDelayFrames >= capacity)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(minDelayFrames), "The minimum delay must be at least one frame and below the capacity.");
        }

        FrameSamples = frameSamples;
        FrameDuration = frameDuration;
        Capacity = capacity;
        MinDelayFrames = minDelayFrames;
        frameTicks = frameDuration.Ticks;
        mask = capacity - 1;
        samples = new short[capacity * frameSamples];
        slotSequence = new long[capacity];
        Array.Fill(slotSequence, -1);
        concealer = new LossConcealer(frameSamples, predictionEntropy, streamKey);
    }

    /// <summary>The samples per frame.</summary>
    public int FrameSamples { get; }

    /// <summary>The duration of one frame.</summary>
    public TimeSpan FrameDuration { get; }

    /// <summary>The frames the buffer can hold.</summary>
    public int Capacity { get; }

    /// <summary>The smallest target delay, in frames.</summary>
    public int MinDelayFrames { get; }

    /// <summary>The RFC 3550 interarrival jitter estimate.</summary>
    public TimeSpan Jitter => TimeSpan.FromTicks(jitterTimes16 >> 4);

    /// <summary>The target delay in frames.</summary>
    public int TargetDelayFrames
    {
        get
        {
            var extra = ((3 * (jitterTimes16 >> 4)) + frameTicks - 1) / frameTicks;
            return (int)Math.Min(Capacity - 1, MinDelayFrames + extra);
        }
    }

    /// <summary>Frames queued from the playout point to the newest frame.</summary>
    public int QueuedFrames => hasFrames ? (int)Math.Max(0, highest - nextPlay + 1) : 0;

    /// <summary>The figures so far.</summary>
    public JitterBufferStatistics Statistics => new()
    {
        Received = received,
        Played = played,
        Late = late,
        Lost = lost,
        Concealed = concealer.ConcealedFrames,
        Underruns = underruns,
        Duplicates = duplicates,
        DiscardedForDelay = discardedForDelay,
        Resyncs = resyncs,
        Overflowed = overflowed,
        Malformed = malformed,
        Jitter = Jitter,
        TargetDelay = FrameDuration * TargetDelayFrames,
        CurrentDelay = FrameDuration * QueuedFrames,
    };

    /// <summary>Offers a received frame.</summary>
    /// <param name="sequence">The frame's 16-bit sequence number (wraps).</param>
    /// <param name="arrival">When it arrived, on the receiver's clock.</param>
    /// <param name="frame">The samples; must be <see cref="FrameSamples"/> long.</param>
    /// <returns>What happened to the frame.</returns>
    public JitterInsertResult Insert(ushort sequence, TimeSpan arrival, ReadOnlySpan<short> frame)
    {
        if (frame.Length != FrameSamples)
        {
            malformed++;
            return JitterInsertResult.Malformed;
        }

        if (!hasFrames)
        {
            hasFrames = true;
            highest = sequence;
            nextPlay = sequence;
        }

        // Unwrap against the newest sequence: the nearest 64-bit value with these low 16 bits.
        var extended = highest + (short)(sequence - (ushort)highest);
        if (slotSequence[(int)(extended & mask)] == extended)
        {
            duplicates++;
            return JitterInsertResult.Duplicate;
        }

        UpdateJitter(extended, arrival);

        if (extended < nextPlay)
        {
            if (playing || highest - extended >= Capacity)
            {
                late++;
                return JitterInsertResult.Late;
            }

            nextPlay = extended; // still buffering: an earlier frame that overtook nobody yet moves the start back
        }

        var result = JitterInsertResult.Accepted;
        if (extended - nextPlay >= Capacity)
        {
            Resynchronize(extended);
            result = JitterInsertResult.Resynchronized;
        }

        var slot = (int)(extended & mask);
        slotSequence[slot] = extended;
        frame.CopyTo(samples.AsSpan(slot * FrameSamples, FrameSamples));
        highest = Math.Max(highest, extended);
        received++;
        return result;
    }

    /// <summary>Plays the next frame (call once per <see cref="FrameDuration"/>).</summary>
    /// <param name="output">Receives <see cref="FrameSamples"/> samples.</param>
    /// <returns>What was written.</returns>
    public JitterPlayout Read(Span<short> output)
    {
        if (output.Length < FrameSamples)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(output), "The output must hold one frame.");
        }

        output = output[..FrameSamples];
        if (!playing)
        {
            if (!hasFrames || QueuedFrames < TargetDelayFrames)
            {
                output.Clear();
                return JitterPlayout.Buffering;
            }

            playing = true;
        }

        if (TryTake(nextPlay, output))
        {
            nextPlay++;
            played++;
            concealer.Good(output);

            // Too much queued: drop the next frame so the delay comes down one frame towards the target.
            if (QueuedFrames > TargetDelayFrames + 1 && TryTake(nextPlay, Span<short>.Empty))
            {
                nextPlay++;
                discardedForDelay++;
            }

            return JitterPlayout.Played;
        }

        concealer.Conceal(output);
        if (highest >= nextPlay)
        {
            nextPlay++;
            lost++;
            return JitterPlayout.ConcealedLoss;
        }

        underruns++;
        return JitterPlayout.ConcealedUnderrun;
    }

    private bool TryTake(long sequence, Span<short> output)
    {
        var slot = (int)(sequence & mask);
        if (slotSequence[slot] != sequence)
        {
            return false;
        }

        // The slot keeps its sequence so that a duplicate arriving after playout is recognised until the slot is reused.
        if (!output.IsEmpty)
        {
            samples.AsSpan(slot * FrameSamples, FrameSamples).CopyTo(output);
        }

        return true;
    }

    private void UpdateJitter(long extended, TimeSpan arrival)
    {
        // RFC 3550 §6.4.1: transit = arrival − media time; D = transit − previous transit; J += (|D| − J) / 16.
        var transit = arrival.Ticks - (extended * frameTicks);
        if (hasTransit)
        {
            var d = Math.Abs(transit - lastTransit);
            jitterTimes16 += d - ((jitterTimes16 + 8) >> 4);
        }

        lastTransit = transit;
        hasTransit = true;
    }

    private void Resynchronize(long extended)
    {
        for (var s = nextPlay; s <= highest; s++)
        {
            if (slotSequence[(int)(s & mask)] == s)
            {
                overflowed++;
            }
        }

        Array.Fill(slotSequence, -1);
        resyncs++;
        nextPlay = extended;
        highest = extended;
        playing = false;
    }
}
