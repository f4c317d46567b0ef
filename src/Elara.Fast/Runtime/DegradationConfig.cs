namespace Elara.Fast.Runtime;

/// <summary>
/// Thresholds and hysteresis of the degradation controller (<see cref="Primitives.DegradationLevel"/> L0–L5). Each array has
/// five entries: the value at which L1, L2, L3, L4 and L5 begin; values must rise.
/// </summary>
/// <remarks>
/// A level is the highest that any input calls for (ingress ring occupancy, ingress stage lag, egress backlog,
/// and, per peer, loss and round-trip time). It steps up at once; it steps down one level at a time, only after the
/// inputs have stayed below <see cref="RecoveryFraction"/> of the current level's threshold for
/// <see cref="RecoveryDwell"/>, so a noisy input cannot make it flap.
/// </remarks>
public sealed record DegradationConfig
{
    /// <summary>Ingress ring occupancy (0–1, entries waiting / ring size) at which each level begins.</summary>
    public double[] IngressOccupancy { get; init; } = [0.25, 0.40, 0.55, 0.70, 0.85];

    /// <summary>Egress ring backlog (0–1) at which each level begins.</summary>
    public double[] EgressOccupancy { get; init; } = [0.30, 0.45, 0.60, 0.75, 0.90];

    /// <summary>Peer loss (0–1) at which each level of that peer's link begins.</summary>
    public double[] PeerLoss { get; init; } = [0.02, 0.05, 0.10, 0.20, 0.35];

    /// <summary>Peer round-trip time at which each level of that peer's link begins.</summary>
    public TimeSpan[] PeerRoundTrip { get; init; } =
        [TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(1000)];

    /// <summary>Ingress occupancy past which the Open stage sheds by class before any crypto (the high-water mark).</summary>
    public double HighWaterMark { get; init; } = 0.25;

    /// <summary>A level steps down only when its inputs fall below this fraction of its threshold.</summary>
    public double RecoveryFraction { get; init; } = 0.7;

    /// <summary>How long the inputs must stay low before a level steps down by one.</summary>
    public TimeSpan RecoveryDwell { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Every problem with these settings, one message each; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        CheckRising(problems, nameof(IngressOccupancy), IngressOccupancy, 0, 1);
        CheckRising(problems, nameof(EgressOccupancy), EgressOccupancy, 0, 1);
        CheckRising(problems, nameof(PeerLoss), PeerLoss, 0, 1);
        if (PeerRoundTrip is not { Length: 5 })
        {
            problems.Add($"Degradation.{nameof(PeerRoundTrip)} must have 5 entries (where L1..L5 begin).");
        }
        else
        {
            for (var i = 0; i < 5; i++)
            {
                if (PeerRoundTrip[i] <= TimeSpan.Zero || (i > 0 && PeerRoundTrip[i] <= PeerRoundTrip[i - 1]))
                {
                    problems.Add($"Degradation.{nameof(PeerRoundTrip)} must be positive and rising (entry {i} is {PeerRoundTrip[i]}).");
                    break;
                }
            }
        }

        if (!(HighWaterMark > 0 && HighWaterMark < 1))
        {
            problems.Add($"Degradation.{nameof(HighWaterMark)} must be between 0 and 1 (exclusive); it is {HighWaterMark}.");
        }

        if (!(RecoveryFraction > 0 && RecoveryFraction < 1))
        {
            problems.Add($"Degradation.{nameof(RecoveryFraction)} must be between 0 and 1 (exclusive); it is {RecoveryFraction}.");
        }

        if (RecoveryDwell < TimeSpan.Zero)
        {
            problems.Add($"Degradation.{nameof(RecoveryDwell)} must not be negative.");
        }

        return problems;
    }

    private static void CheckRising(List<string> problems, string name, double[]? values, double min, double max)
    {
        if (values is not { Length: 5 })
        {
            problems.Add($"Degradation.{name} must have 5 entries (where L1..L5 begin).");
            return;
        }

        for (var i = 0; i < 5; i++)
        {
            if (!(values[i] > min && values[i] <= max) || (i > 0 && values[i] <= values[i - 1]))
            {
                problems.Add($"Degradation.{name} must rise within ({min}, {max}] (entry {i} is {values[i]}).");
                return;
            }
        }
    }
}
