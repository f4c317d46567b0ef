using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Voice;

/// <summary>
/// Picks the active speaker among a fixed number of voice streams, frame by frame, without flapping:
/// the current speaker keeps the floor while active and for <see cref="HoldOverFrames"/> frames after it goes
/// quiet; another stream takes over only once it has been the loudest active stream, at least
/// <see cref="SwitchMarginDb"/> louder than the current one, for <see cref="SwitchFrames"/> consecutive frames.
/// The challenger rule applies during the hold-over too (a clear new talker need not wait out a pause);
/// when the hold-over runs out, the loudest active stream (or nobody) takes the floor at once.
/// Ties go to the lower index, so the choice is deterministic.
/// </summary>
/// <remarks>Memory is fixed at construction (one slot per stream); not thread-safe.</remarks>
public sealed class ActiveSpeakerSelector
{
    /// <summary>Frames the floor stays with a speaker after it goes quiet (500 ms of 20 ms frames).</summary>
    public const int HoldOverFrames = 25;

    /// <summary>Consecutive frames a challenger must lead before it takes over (200 ms of 20 ms frames).</summary>
    public const int SwitchFrames = 10;

    /// <summary>How much louder than the current speaker a challenger must be, in dB.</summary>
    public const double SwitchMarginDb = 6;

    private int challenger = -1;
    private int challengerFrames;
    private int quietFrames;

    /// <summary>Creates a selector for <paramref name="streamCount"/> streams.</summary>
    /// <param name="streamCount">The number of streams (at least 1).</param>
    public ActiveSpeakerSelector(int streamCount)
    {
        if (streamCount < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(streamCount), "There must be at least one stream.");
        }

        StreamCount = streamCount;
    }

    /// <summary>The number of streams.</summary>
    public int StreamCount { get; }

    /// <summary>The current speaker's index, or −1 when nobody holds the floor.</summary>
    public int Current { get; private set; } = -1;

    /// <summary>How many times the speaker changed (including to and from nobody).</summary>
    public long Switches { get; private set; }

    /// <summary>Feeds one frame of every stream and returns the speaker.</summary>
    /// <param name="levelsDbfs">Each stream's level this frame.</param>
    /// <param name="active">Each stream's voice-activity flag this frame.</param>
    /// <returns>The speaker's index, or −1.</returns>
    public int Update(ReadOnlySpan<double> levelsDbfs, ReadOnlySpan<bool> active)
    {
        if (levelsDbfs.Length != StreamCount || active.Length != StreamCount)
        {
            ThrowHelper.ThrowArgument(nameof(levelsDbfs), "Pass one level and one flag per stream.");
        }

        var loudest = -1;
        for (var i = 0; i < StreamCount; i++)
        {
            if (active[i] && (loudest < 0 || levelsDbfs[i] > levelsDbfs[loudest]))
            {
                loudest = i;
            }
        }

        if (Current >= 0 && active[Current])
        {
            quietFrames = 0;
        }
        else if (Current >= 0)
        {
            quietFrames++;
        }

        if (Current < 0 || quietFrames > HoldOverFrames)
        {
            // The floor is free: the loudest active stream (or nobody) takes it now.
            SwitchTo(loudest);
            return Current;
        }

        if (loudest >= 0 && loudest != Current && levelsDbfs[loudest] >= levelsDbfs[Current] + SwitchMarginDb)
        {
            challengerFrames = loudest == challenger ? challengerFrames + 1 : 1;
            challenger = loudest;
            if (challengerFrames >= SwitchFrames)
            {
                SwitchTo(loudest);
            }
        }
        else
        {
            challenger = -1;
            challengerFrames = 0;
        }

        return Current;
    }

    private void SwitchTo(int speaker)
    {
        if (speaker != Current)
        {
            Current = speaker;
            Switches++;
        }

        quietFrames = 0;
        challenger = -1;
        challengerFrames = 0;
    }
}
