using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Video;

/// <summary>
/// Chooses the <see cref="VideoLevel"/> from a pressure reading: the ratio of what the stream needs (bandwidth or CPU)
/// to what it may use, so 1.0 is exactly at budget. It steps one level down after <see cref="DegradeAfter"/>
/// consecutive readings above <see cref="DegradeAbove"/>, and one level up only after <see cref="RecoverAfter"/>
/// consecutive readings below <see cref="RecoverBelow"/>: quick to protect the session, slow to trust a recovery,
/// and with a dead band between the thresholds so it does not flap.
/// </summary>
public sealed class VideoDegradationLadder
{
    private int _above;
    private int _below;

    /// <summary>Creates a ladder at <see cref="VideoLevel.Full"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The thresholds leave no dead band or a count is below 1.</exception>
    public VideoDegradationLadder(double degradeAbove = 1.0, double recoverBelow = 0.7, int degradeAfter = 2, int recoverAfter = 10)
    {
        if (!(recoverBelow < degradeAbove) || degradeAfter < 1 || recoverAfter < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(recoverBelow), "Recovery must sit below degradation, and counts must be at least 1.");
        }

        DegradeAbove = degradeAbove;
        RecoverBelow = recoverBelow;
        DegradeAfter = degradeAfter;
        RecoverAfter = recoverAfter;
    }

    /// <summary>Pressure above which readings count towards a step down.</summary>
    public double DegradeAbove { get; }

    /// <summary>Pressure below which readings count towards a step up.</summary>
    public double RecoverBelow { get; }

    /// <summary>Consecutive high readings that step down.</summary>
    public int DegradeAfter { get; }

    /// <summary>Consecutive low readings that step up.</summary>
    public int RecoverAfter { get; }

    /// <summary>The current level.</summary>
    public VideoLevel Level { get; private set; }

    /// <summary>Feeds one pressure reading and returns the level to use now.</summary>
    public VideoLevel Update(double pressure)
    {
        if (pressure > DegradeAbove)
        {
            _below = 0;
            if (++_above >= DegradeAfter && Level < VideoLevel.Frozen)
            {
                Level++;
                _above = 0;
            }
        }
        else if (pressure < RecoverBelow)
        {
            _above = 0;
            if (++_below >= RecoverAfter && Level > VideoLevel.Full)
            {
                Level--;
                _below = 0;
            }
        }
        else
        {
            // The dead band: hold the level and forget partial streaks either way.
            _above = 0;
            _below = 0;
        }

        return Level;
    }
}
