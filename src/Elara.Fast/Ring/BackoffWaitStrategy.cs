namespace Elara.Fast.Ring;

/// <summary>
/// The default: spin briefly, then yield, then park with growing timeouts; a publish (or an upstream advance) wakes
/// a parked consumer at once.
/// </summary>
/// <remarks>
/// <para>Pick it unless a measurement says otherwise. A busy ring never parks (the spin phase covers the gaps between
/// bursts), so throughput is as with yielding; an idle ring costs one timer wake-up per <see cref="MaxPark"/> per
/// consumer, well under 1 % of a core (the idle test bounds it; docs/ring.md has the figure). Spinning consumers
/// are the top complaint about Disruptor-net and Aeron on small machines; this is the answer.</para>
/// <para>Cost: latency as busy-spin within ≈ 10 µs of the last event, a few µs more while yielding, one thread
/// wake-up (≈ 35 µs cross-vCPU here) for the first event after the consumer parked; each publish and each
/// consumer batch pays one full fence and one load (plus a lock and pulse only when someone is parked).</para>
/// <para>The growing timeouts are a safety net, not the wake path: they bound the cost of a waiter that depends on a
/// sequence nobody signals (a user-made <see cref="Sequence"/> used as a dependency).</para>
/// </remarks>
public sealed class BackoffWaitStrategy : IWaitStrategy
{
    private readonly ParkingLot _lot = new();
    private readonly int _spinTries;
    private readonly int _yieldTries;
    private readonly int _minParkMilliseconds;
    private readonly int _maxParkMilliseconds;

    /// <summary>Creates the strategy with the defaults: 200 spins, 50 yields, parks from 1 ms doubling to 100 ms.</summary>
    public BackoffWaitStrategy()
        : this(spinTries: 200, yieldTries: 50, minPark: TimeSpan.FromMilliseconds(1), maxPark: TimeSpan.FromMilliseconds(100))
    {
    }

    /// <summary>Creates the strategy with explicit phases.</summary>
    /// <param name="spinTries">Polls with a short CPU pause before yielding.</param>
    /// <param name="yieldTries">Polls with <see cref="Thread.Yield"/> before parking.</param>
    /// <param name="minPark">First park timeout (at least 1 ms).</param>
    /// <param name="maxPark">Largest park timeout; each timed-out park doubles the next one up to this.</param>
    public BackoffWaitStrategy(int spinTries, int yieldTries, TimeSpan minPark, TimeSpan maxPark)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spinTries);
        ArgumentOutOfRangeException.ThrowIfNegative(yieldTries);
        ArgumentOutOfRangeException.ThrowIfLessThan(minPark, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPark, minPark);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPark, TimeSpan.FromMilliseconds(int.MaxValue / 2));
        _spinTries = spinTries;
        _yieldTries = yieldTries;
        _minParkMilliseconds = (int)minPark.TotalMilliseconds;
        _maxParkMilliseconds = (int)maxPark.TotalMilliseconds;
    }

    /// <summary>The largest park timeout: the idle wake-up period of a parked consumer.</summary>
    public TimeSpan MaxPark => TimeSpan.FromMilliseconds(_maxParkMilliseconds);

    /// <inheritdoc />
    public bool RequiresSignal => true;

    /// <inheritdoc />
    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        ArgumentNullException.ThrowIfNull(barrier);
        var tries = 0;
        var park = _minParkMilliseconds;
        long available;
        while ((available = barrier.GetAvailable(sequence)) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return available;
            }

            if (tries < _spinTries)
            {
                tries++;
                Thread.SpinWait(1);
            }
            else if (tries < _spinTries + _yieldTries)
            {
                tries++;
                Thread.Yield();
            }
            else
            {
                _lot.Park(sequence, barrier, park);
                park = Math.Min(park * 2, _maxParkMilliseconds);
            }
        }

        return available;
    }

    /// <inheritdoc />
    public void Signal() => _lot.Wake();

    /// <summary>Consumers parked right now (for tests and diagnostics).</summary>
    internal int ParkedCount => _lot.ParkedCount;
}
