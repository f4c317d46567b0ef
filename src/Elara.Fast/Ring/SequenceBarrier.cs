using System.Runtime.CompilerServices;

namespace Elara.Fast.Ring;

/// <summary>
/// What a consumer may read: the producer's published cursor, or, for a downstream stage, the slowest of the
/// stages it depends on. Create one with <see cref="Sequencer.NewBarrier"/>; each processor owns its own barrier.
/// </summary>
public sealed class SequenceBarrier
{
    private readonly Sequence _cursor;
    private readonly MultiProducerSequencer? _multiProducer;
    private readonly Sequence[] _dependents;
    private readonly Sequence? _singleDependent;
    private readonly IWaitStrategy _waitStrategy;

    // Written by Alert/ClearAlert (any thread), polled by the waiting consumer: Volatile on both sides so a halt is
    // seen on the waiter's next check, and the Signal after the write (full fence inside) wakes a parked waiter.
    private int _alerted;

    internal SequenceBarrier(Sequencer sequencer, Sequence[] dependents)
    {
        _cursor = sequencer.CursorSequence;
        _multiProducer = sequencer as MultiProducerSequencer;
        _dependents = dependents;
        _singleDependent = dependents.Length == 1 ? dependents[0] : null;
        _waitStrategy = sequencer.WaitStrategy;
    }

    /// <summary>The wait strategy this barrier waits with (the sequencer's).</summary>
    public IWaitStrategy WaitStrategy => _waitStrategy;

    /// <summary>The producer's cursor: for a multi-producer ring, the highest <em>claimed</em> sequence.</summary>
    public long Cursor => _cursor.Value;

    /// <summary>Whether <see cref="Alert"/> was called (a halt request) and not yet cleared.</summary>
    public bool IsAlerted
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _alerted) != 0;
    }

    /// <summary>
    /// Waits until <paramref name="sequence"/> may be read and returns the highest sequence that may be read
    /// (often more than asked: process the whole batch).
    /// </summary>
    /// <returns>At least <paramref name="sequence"/>, or less when the barrier was alerted or the strategy timed out.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long WaitFor(long sequence)
    {
        var available = GetAvailable(sequence);
        return available >= sequence ? available : _waitStrategy.WaitFor(sequence, this);
    }

    /// <summary>
    /// The highest sequence readable right now without waiting, which may be less than <paramref name="sequence"/>.
    /// Wait strategies poll this.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long GetAvailable(long sequence)
    {
        if (_singleDependent is { } dependent)
        {
            // A dependent consumer only ever advances over published slots, so its value needs no availability scan.
            return dependent.Value;
        }

        if (_dependents.Length != 0)
        {
            return Sequence.GetMinimum(_dependents);
        }

        var cursor = _cursor.Value;
        if (_multiProducer is null || cursor < sequence)
        {
            return cursor;
        }

        // Multi-producer: the cursor counts claims; only slots whose availability flag is set are published.
        return _multiProducer.GetHighestPublishedSequence(sequence, cursor);
    }

    /// <summary>Asks the waiting consumer to stop: <see cref="WaitFor"/> returns early and <see cref="IsAlerted"/> turns true.</summary>
    public void Alert()
    {
        // Release store, then Signal (whose full fence orders it before the parked-count read) wakes a parked waiter.
        Volatile.Write(ref _alerted, 1);
        _waitStrategy.Signal();
    }

    /// <summary>Clears an alert so the barrier can be waited on again (a processor restart).</summary>
    public void ClearAlert()
    {
        // Release store; the restarted processor thread is created after this call, and thread start is a full barrier.
        Volatile.Write(ref _alerted, 0);
    }
}
