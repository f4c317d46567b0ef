namespace Elara.Fast.Ring;

/// <summary>Waits by re-reading the barrier in a tight loop.</summary>
/// <remarks>
/// <para>Pick it only when the lowest hand-off latency matters more than a core: each waiting consumer holds one CPU
/// at 100 % forever, idle or not, and must have a core of its own (with fewer cores than spinning threads it is
/// slower than yielding, because a spinner starves the thread it waits for). Never the default.</para>
/// <para>Cost: latency ≈ one cache-line transfer (tens to hundreds of ns); idle CPU 100 % of a core per consumer;
/// nothing on the producer side.</para>
/// </remarks>
public sealed class BusySpinWaitStrategy : IWaitStrategy
{
    /// <inheritdoc />
    public bool RequiresSignal => false;

    /// <inheritdoc />
    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        ArgumentNullException.ThrowIfNull(barrier);
        long available;
        while ((available = barrier.GetAvailable(sequence)) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return available;
            }
        }

        return available;
    }

    /// <inheritdoc />
    public void Signal()
    {
    }
}
