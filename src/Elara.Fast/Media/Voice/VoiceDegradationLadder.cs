namespace Elara.Fast.Media.Voice;

/// <summary>
/// Picks the voice step for one stream from the pressure on the node, and does not flap: it steps down at
/// once when the current step no longer fits, and steps up one rung at a time, only after the pressure has
/// left room for the better step — with <see cref="UpgradeHeadroom"/> spare bandwidth and the CPU load
/// <see cref="CpuHysteresis"/> under the threshold — for <see cref="UpgradeAfter"/> consecutive updates.
/// </summary>
/// <remarks>
/// <para>Bandwidth: the best step whose payload rate (<see cref="VoiceSteps.BitsPerSecond"/>) fits the budget.
/// CPU: per-packet work (AEAD, system calls, the ring) dominates a node's cost, so under CPU pressure the ladder
/// caps the step at <see cref="VoiceStep.Minimal"/> (half the packets of 10 ms frames, 12× fewer bytes) from
/// <see cref="CpuMinimalThreshold"/>, and at <see cref="VoiceStep.Envelope"/> from <see cref="CpuEnvelopeThreshold"/>.</para>
/// <para>Opaque codec payloads (Opus and the like) are not on this ladder: they pass through untouched and are
/// degraded only by packet-class shedding. Not thread-safe: one instance per stream, updated by its owner.</para>
/// </remarks>
public sealed class VoiceDegradationLadder
{
    /// <summary>Spare bandwidth the better step needs before an upgrade: 25 %.</summary>
    public const double UpgradeHeadroom = 1.25;

    /// <summary>How far under a CPU threshold the load must be before an upgrade across it.</summary>
    public const double CpuHysteresis = 0.10;

    /// <summary>The CPU load (0…1) from which the step is at most <see cref="VoiceStep.Minimal"/>.</summary>
    public const double CpuMinimalThreshold = 0.85;

    /// <summary>The CPU load (0…1) from which the step is at most <see cref="VoiceStep.Envelope"/>.</summary>
    public const double CpuEnvelopeThreshold = 0.95;

    /// <summary>Consecutive favourable updates before one step up.</summary>
    public const int UpgradeAfter = 10;

    private int favourableUpdates;

    /// <summary>Creates a ladder starting at <paramref name="initial"/>.</summary>
    /// <param name="initial">The starting step (usually <see cref="VoiceStep.High"/>).</param>
    public VoiceDegradationLadder(VoiceStep initial = VoiceStep.High) => Current = initial;

    /// <summary>The current step.</summary>
    public VoiceStep Current { get; private set; }

    /// <summary>Steps taken down so far.</summary>
    public long Downgrades { get; private set; }

    /// <summary>Steps taken up so far.</summary>
    public long Upgrades { get; private set; }

    /// <summary>The best step the pressure allows, without hysteresis.</summary>
    /// <param name="budgetBitsPerSecond">The bandwidth this stream may use.</param>
    /// <param name="cpuLoad">The node's CPU load, 0 (idle) to 1 (saturated).</param>
    /// <param name="headroom">The bandwidth factor a step must fit with (1 to step down, <see cref="UpgradeHeadroom"/> to step up).</param>
    /// <param name="cpuMargin">How far under each CPU threshold the load must be.</param>
    /// <returns>The step.</returns>
    public static VoiceStep Allowed(long budgetBitsPerSecond, double cpuLoad, double headroom = 1, double cpuMargin = 0)
    {
        var step = VoiceStep.High;
        while (step < VoiceStep.Silence && VoiceSteps.BitsPerSecond(step) * headroom > budgetBitsPerSecond)
        {
            step++;
        }

        if (cpuLoad >= CpuEnvelopeThreshold - cpuMargin)
        {
            return step > VoiceStep.Envelope ? step : VoiceStep.Envelope;
        }

        if (cpuLoad >= CpuMinimalThreshold - cpuMargin)
        {
            return step > VoiceStep.Minimal ? step : VoiceStep.Minimal;
        }

        return step;
    }

    /// <summary>Feeds the current pressure (once per frame or per control tick) and returns the step to send.</summary>
    /// <param name="budgetBitsPerSecond">The bandwidth this stream may use.</param>
    /// <param name="cpuLoad">The node's CPU load, 0 (idle) to 1 (saturated).</param>
    /// <returns>The step.</returns>
    public VoiceStep Update(long budgetBitsPerSecond, double cpuLoad)
    {
        var fits = Allowed(budgetBitsPerSecond, cpuLoad);
        if (fits > Current)
        {
            Current = fits;
            Downgrades++;
            favourableUpdates = 0;
            return Current;
        }

        if (Current > VoiceStep.High && Allowed(budgetBitsPerSecond, cpuLoad, UpgradeHeadroom, CpuHysteresis) < Current)
        {
            if (++favourableUpdates >= UpgradeAfter)
            {
                Current--;
                Upgrades++;
                favourableUpdates = 0;
            }
        }
        else
        {
            favourableUpdates = 0;
        }

        return Current;
    }
}
