using Elara.Fast.Primitives;

namespace Elara.Fast.Transport.InMemory;

/// <summary>
/// What a link of the <see cref="InMemoryNetwork"/> does to datagrams: loss, burst loss, delay, jitter,
/// reordering, duplication and a bandwidth cap. Every random choice comes from the network's seeded generator.
/// </summary>
/// <remarks>
/// A datagram's delivery time is computed when it is sent (bandwidth queue, then delay, jitter and an optional
/// reorder delay) and the network delivers in delivery-time order, so jitter and reordering really reorder,
/// and a constant delay never does (ties keep send order).
/// </remarks>
public sealed record NetworkImpairment
{
    /// <summary>A perfect link: no loss, no delay.</summary>
    public static NetworkImpairment None { get; } = new();

    /// <summary>Probability that a datagram is lost, independently of every other (Bernoulli loss).</summary>
    public double LossProbability { get; init; }

    /// <summary>Correlated loss (Gilbert–Elliott), applied in addition to <see cref="LossProbability"/>.</summary>
    public BurstLoss? BurstLoss { get; init; }

    /// <summary>Fixed one-way propagation delay.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Extra delay drawn uniformly from [0, <see cref="Jitter"/>] per datagram.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Probability that a datagram is held back by <see cref="ReorderDelay"/>, so later ones overtake it.</summary>
    public double ReorderProbability { get; init; }

    /// <summary>How long a reordered datagram is held back.</summary>
    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Probability that a datagram is delivered twice (the copy with its own jitter).</summary>
    public double DuplicateProbability { get; init; }

    /// <summary>Link rate in bytes per second (0 = unlimited): datagrams queue behind each other.</summary>
    public long BandwidthBytesPerSecond { get; init; }

    /// <summary>The bandwidth queue's depth in time: a datagram that would wait longer is dropped (tail drop).</summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        CheckProbability(LossProbability, nameof(LossProbability));
        CheckProbability(ReorderProbability, nameof(ReorderProbability));
        CheckProbability(DuplicateProbability, nameof(DuplicateProbability));
        if (Delay < TimeSpan.Zero || Jitter < TimeSpan.Zero || ReorderDelay < TimeSpan.Zero || MaxQueueDelay < TimeSpan.Zero)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Delay), "Delays cannot be negative.");
        }

        if (BandwidthBytesPerSecond < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(BandwidthBytesPerSecond), "Bandwidth cannot be negative.");
        }

        if (BurstLoss is { } burst)
        {
            CheckProbability(burst.GoodToBad, nameof(burst.GoodToBad));
            CheckProbability(burst.BadToGood, nameof(burst.BadToGood));
            CheckProbability(burst.LossInBad, nameof(burst.LossInBad));
            CheckProbability(burst.LossInGood, nameof(burst.LossInGood));
        }
    }

    private static void CheckProbability(double value, string name)
    {
        if (!(value is >= 0 and <= 1))
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, "A probability is between 0 and 1.");
        }
    }
}

/// <summary>
/// The Gilbert–Elliott two-state loss model: a Good and a Bad state, switched per datagram, each with its own
/// loss probability. The stationary share of Bad is p / (p + r) and a Bad run lasts 1 / r datagrams on average.
/// </summary>
/// <param name="GoodToBad">p: probability of moving from Good to Bad before a datagram.</param>
/// <param name="BadToGood">r: probability of moving from Bad to Good before a datagram.</param>
/// <param name="LossInBad">Loss probability in Bad (1 − h in Gilbert's notation; 1 = every datagram).</param>
/// <param name="LossInGood">Loss probability in Good (k; 0 in Gilbert's original model).</param>
public readonly record struct BurstLoss(double GoodToBad, double BadToGood, double LossInBad = 1, double LossInGood = 0)
{
    /// <summary>The long-run loss rate the model converges to.</summary>
    public double MeanLossRate
    {
        get
        {
            var bad = GoodToBad + BadToGood == 0 ? 0 : GoodToBad / (GoodToBad + BadToGood);
            return (bad * LossInBad) + ((1 - bad) * LossInGood);
        }
    }
}
