namespace Elara.Fast.Ring;

/// <summary>Parks the consumer on a monitor until a publish (or an upstream consumer's advance) wakes it.</summary>
/// <remarks>
/// <para>Pick it when CPU matters far more than latency and events arrive rarely: an idle consumer costs nothing.
/// Prefer <see cref="BackoffWaitStrategy"/> for anything on the data path: it parks the same way but only after a
/// short spin, so a busy ring never pays a wake-up.</para>
/// <para>Cost: latency one thread wake-up per hand-off after the consumer parked (≈ 35 µs cross-vCPU on this
/// machine); idle CPU zero; every publish pays one full fence and one load (plus a lock and pulse when a consumer
/// is parked).</para>
/// </remarks>
public sealed class BlockingWaitStrategy : IWaitStrategy
{
    private readonly ParkingLot _lot = new();

    /// <inheritdoc />
    public bool RequiresSignal => true;

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

            _lot.Park(sequence, barrier, Timeout.Infinite);
        }

        return available;
    }

    /// <inheritdoc />
    public void Signal() => _lot.Wake();

    /// <summary>Consumers parked right now (for tests and diagnostics).</summary>
    internal int ParkedCount => _lot.ParkedCount;
}
