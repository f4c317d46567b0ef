namespace Elara.Fast.Ring;

/// <summary>Spins briefly, then calls <see cref="Thread.Yield"/> between polls.</summary>
/// <remarks>
/// <para>Pick it for low latency when consumers may share cores with other busy threads: a yield hands the CPU to a
/// ready thread (the producer, on a 2-core machine) instead of starving it. When nothing else is runnable a yield
/// returns at once, so an idle consumer still costs close to a full core.</para>
/// <para>Cost: latency ≈ busy-spin when a core is free, a scheduler quantum at worst; idle CPU up to 100 % of a core;
/// nothing on the producer side.</para>
/// </remarks>
public sealed class YieldingWaitStrategy : IWaitStrategy
{
    private const int SpinTries = 100;

    /// <inheritdoc />
    public bool RequiresSignal => false;

    /// <inheritdoc />
    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        ArgumentNullException.ThrowIfNull(barrier);
        var counter = SpinTries;
        long available;
        while ((available = barrier.GetAvailable(sequence)) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return available;
            }

            if (counter > 0)
            {
                counter--;
            }
            else
            {
                Thread.Yield();
            }
        }

        return available;
    }

    /// <inheritdoc />
    public void Signal()
    {
    }
}
