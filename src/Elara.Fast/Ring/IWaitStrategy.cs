namespace Elara.Fast.Ring;

/// <summary>
/// How a consumer waits for a sequence to become available: the trade between idle CPU and hand-off latency.
/// </summary>
/// <remarks>
/// <para>Pick by cost (docs/ring.md has measured figures):</para>
/// <list type="bullet">
/// <item><see cref="BackoffWaitStrategy"/> (default): spin, yield, then park with growing timeouts and a prompt wake
/// on publish. Idle cost well under 1 % of a core; a parked consumer pays one thread wake-up (tens of µs) on the
/// first event after a quiet period.</item>
/// <item><see cref="BusySpinWaitStrategy"/>: lowest latency, burns a whole core per waiting consumer forever.</item>
/// <item><see cref="YieldingWaitStrategy"/>: near-spin latency, a full core when idle unless other threads want it.</item>
/// <item><see cref="SleepingWaitStrategy"/>: no producer-side cost, ~1 ms wake latency, small idle cost.</item>
/// <item><see cref="BlockingWaitStrategy"/>: zero idle CPU, every hand-off after a quiet period is a wake-up.</item>
/// <item><see cref="TimeoutBlockingWaitStrategy"/>: blocking, plus a periodic wake for timers.</item>
/// </list>
/// <para>Contract: <see cref="WaitFor"/> returns the highest available sequence once it is at least
/// <c>sequence</c>; it returns a smaller value only when the barrier was alerted (halt) or, for a strategy with a
/// timeout, when the timeout elapsed. Strategies that park set <see cref="RequiresSignal"/>; publishers and
/// processors then call <see cref="Signal"/> after every store a waiter may be waiting for.</para>
/// </remarks>
public interface IWaitStrategy
{
    /// <summary>Waits until <paramref name="barrier"/> reports <paramref name="sequence"/> available, the barrier is alerted, or a timeout elapses.</summary>
    /// <returns>The highest available sequence; less than <paramref name="sequence"/> only on alert or timeout.</returns>
    long WaitFor(long sequence, SequenceBarrier barrier);

    /// <summary>Whether waiters may park, so that every publish and every consumer advance must call <see cref="Signal"/>.</summary>
    bool RequiresSignal { get; }

    /// <summary>Wakes parked waiters (called after a publish, a consumer advance, or an alert). Cheap when nobody is parked.</summary>
    void Signal();
}
