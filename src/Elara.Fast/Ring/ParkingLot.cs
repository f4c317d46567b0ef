using System.Runtime.CompilerServices;

namespace Elara.Fast.Ring;

/// <summary>
/// Where waiting consumers park, and how publishers wake them without a lost wake-up.
/// </summary>
/// <remarks>
/// The handshake is Dekker's: the waiter increments <see cref="_parked"/> (a full fence) and then re-reads the
/// barrier; the signaller stores its sequence and then issues a full fence before reading <see cref="_parked"/>. At
/// least one side sees the other's store, so either the waiter sees the new sequence and does not sleep, or the
/// signaller sees the waiter and pulses. The waiter holds the gate from its re-check until <c>Monitor.Wait</c>
/// releases it, and the signaller pulses under the same gate, so the pulse cannot fall between check and wait.
/// </remarks>
internal sealed class ParkingLot
{
    private readonly object _monitor = new();

    // Number of threads between "announced" and "woke up": changed with Interlocked (full fence, the waiter's half
    // of the handshake); read with Volatile after the signaller's own fence.
    private int _parked;

    /// <summary>Threads parked right now (for tests and diagnostics).</summary>
    public int ParkedCount => Volatile.Read(ref _parked);

    /// <summary>Parks until signalled, <paramref name="timeoutMilliseconds"/> elapses, or the barrier has what was asked.</summary>
    public void Park(long sequence, SequenceBarrier barrier, int timeoutMilliseconds)
    {
        lock (_monitor)
        {
            Interlocked.Increment(ref _parked); // full fence: the waiter's half of the handshake
            try
            {
                if (barrier.GetAvailable(sequence) < sequence && !barrier.IsAlerted)
                {
                    Monitor.Wait(_monitor, timeoutMilliseconds);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _parked);
            }
        }
    }

    /// <summary>Wakes every parked waiter; a fence and one load when nobody is parked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Wake()
    {
        // Full fence: the caller's store (cursor, flag, consumer sequence, alert) is globally visible before we read
        // the parked count: the signaller's half of the handshake.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _parked) != 0)
        {
            WakeSlow();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WakeSlow()
    {
        lock (_monitor)
        {
            Monitor.PulseAll(_monitor);
        }
    }
}
