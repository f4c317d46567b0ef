namespace Elara.Fast.Ring;

/// <summary>Spins, yields, then sleeps 1 ms between polls; producers never signal.</summary>
/// <remarks>
/// <para>Pick it when producers must pay nothing on publish (no fence, no signal) and a millisecond of latency after
/// a quiet period is acceptable: logging, metrics, background persistence.</para>
/// <para>Cost: latency up to ≈ 1 ms (one <c>Thread.Sleep(1)</c>, ≈ 1.1 ms on Linux) after a quiet period; idle CPU
/// about 1000 timer wake-ups per second per consumer (≈ 0.5–2 % of a core on this machine; see docs/ring.md);
/// nothing on the producer side.</para>
/// </remarks>
public sealed class SleepingWaitStrategy : IWaitStrategy
{
    private const int SpinTries = 100;
    private const int YieldTries = 100;

    /// <inheritdoc />
    public bool RequiresSignal => false;

    /// <inheritdoc />
    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        ArgumentNullException.ThrowIfNull(barrier);
        var counter = SpinTries + YieldTries;
        long available;
        while ((available = barrier.GetAvailable(sequence)) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return available;
            }

            if (counter > YieldTries)
            {
                counter--;
            }
            else if (counter > 0)
            {
                counter--;
                Thread.Yield();
            }
            else
            {
                Thread.Sleep(1);
            }
        }

        return available;
    }

    /// <inheritdoc />
    public void Signal()
    {
    }
}
