using System.Runtime.CompilerServices;

namespace Elara.Fast.Ring;

/// <summary>
/// Hands out ring sequences to producers and tracks what they published. Producers <c>Next</c> (claim),
/// write the slots, then <c>Publish</c>; consumers read through a <see cref="SequenceBarrier"/>. A producer is gated
/// on the slowest <em>gating</em> sequence (the end consumers) so it never overwrites a slot still being read.
/// </summary>
public abstract class Sequencer
{
    private readonly Sequence _cursor = new();
    private readonly IWaitStrategy _waitStrategy;

    // Copy-on-write array: replaced with a CAS (AddGatingSequences/RemoveGatingSequence, rare, setup time) and read
    // with Volatile.Read by the producer's slow path so it sees a fully built array.
    private Sequence[] _gatingSequences = [];

    private protected Sequencer(int bufferSize, IWaitStrategy? waitStrategy)
    {
        RingSize.Validate(bufferSize, nameof(bufferSize));
        BufferSize = bufferSize;
        _waitStrategy = waitStrategy ?? new BackoffWaitStrategy();
        SignalsWaiters = _waitStrategy.RequiresSignal;
    }

    /// <summary>The ring size (a power of two).</summary>
    public int BufferSize { get; }

    /// <summary>The producer cursor: the highest published sequence (single producer) or the highest claimed one (multi-producer).</summary>
    public long Cursor => _cursor.Value;

    /// <summary>The wait strategy consumers of this ring wait with.</summary>
    public IWaitStrategy WaitStrategy => _waitStrategy;

    /// <summary>Whether publishing must call <see cref="IWaitStrategy.Signal"/> (the strategy parks waiters).</summary>
    internal bool SignalsWaiters { get; }

    internal Sequence CursorSequence => _cursor;

    /// <summary>The gating sequences (a snapshot).</summary>
    internal Sequence[] GatingSequences
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _gatingSequences);
    }

    /// <summary>Claims the next sequence, waiting while the ring is full.</summary>
    public abstract long Next();

    /// <summary>Claims <paramref name="n"/> consecutive sequences (1 ≤ n ≤ <see cref="BufferSize"/>) and returns the highest; the lowest is <c>hi - n + 1</c>.</summary>
    public abstract long Next(int n);

    /// <summary>Claims the next sequence if there is room now; never waits.</summary>
    /// <returns><see langword="false"/> when the slowest gating consumer is a full ring behind.</returns>
    public abstract bool TryNext(out long sequence);

    /// <summary>Claims <paramref name="n"/> consecutive sequences if there is room for all of them now; never waits.</summary>
    /// <returns><see langword="false"/> when fewer than <paramref name="n"/> slots are free.</returns>
    public abstract bool TryNext(int n, out long highSequence);

    /// <summary>Makes a claimed sequence visible to consumers. Every claimed sequence must be published.</summary>
    public abstract void Publish(long sequence);

    /// <summary>Makes the claimed range <paramref name="lo"/>..<paramref name="hi"/> visible to consumers.</summary>
    public abstract void Publish(long lo, long hi);

    /// <summary>Whether <paramref name="sequence"/> has been published and not yet overwritten.</summary>
    public abstract bool IsAvailable(long sequence);

    /// <summary>The highest sequence in <paramref name="lowerBound"/>..<paramref name="availableSequence"/> below which every slot is published.</summary>
    public abstract long GetHighestPublishedSequence(long lowerBound, long availableSequence);

    /// <summary>Free slots right now (an estimate when other producers race).</summary>
    public long RemainingCapacity => BufferSize - (ProducedCursor - Sequence.GetMinimum(GatingSequences, ProducedCursor));

    /// <summary>The highest sequence claimed so far (the producer-side view used by <see cref="RemainingCapacity"/>).</summary>
    private protected abstract long ProducedCursor { get; }

    /// <summary>A barrier for a consumer that depends on <paramref name="dependents"/> (none: on the producer's cursor).</summary>
    public SequenceBarrier NewBarrier(params Sequence[] dependents)
    {
        ArgumentNullException.ThrowIfNull(dependents);
        return new SequenceBarrier(this, (Sequence[])dependents.Clone());
    }

    /// <summary>
    /// Adds consumer sequences the producer must not lap. Each is first set to the current cursor so a late-added
    /// consumer starts from here rather than holding the producer back.
    /// </summary>
    public void AddGatingSequences(params Sequence[] sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        Sequence[] current, updated;
        do
        {
            current = Volatile.Read(ref _gatingSequences);
            updated = new Sequence[current.Length + sequences.Length];
            current.CopyTo(updated, 0);
            var cursor = Cursor;
            for (var i = 0; i < sequences.Length; i++)
            {
                sequences[i].SetValue(cursor);
                updated[current.Length + i] = sequences[i];
            }
        }
        while (Interlocked.CompareExchange(ref _gatingSequences, updated, current) != current); // CAS: concurrent adds/removes must not lose each other

        // A consumer added while the producer ran may have started behind the cursor; pull it up to the cursor.
        var latest = Cursor;
        for (var i = 0; i < sequences.Length; i++)
        {
            if (sequences[i].Value < latest)
            {
                sequences[i].SetValue(latest);
            }
        }
    }

    /// <summary>Stops gating the producer on <paramref name="sequence"/>.</summary>
    /// <returns><see langword="true"/> when it was a gating sequence.</returns>
    public bool RemoveGatingSequence(Sequence sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        Sequence[] current, updated;
        do
        {
            current = Volatile.Read(ref _gatingSequences);
            var index = Array.IndexOf(current, sequence);
            if (index < 0)
            {
                return false;
            }

            updated = new Sequence[current.Length - 1];
            Array.Copy(current, 0, updated, 0, index);
            Array.Copy(current, index + 1, updated, index, current.Length - index - 1);
        }
        while (Interlocked.CompareExchange(ref _gatingSequences, updated, current) != current); // CAS: see AddGatingSequences

        return true;
    }

    /// <summary>Refuses a claim of fewer than one or more than <see cref="BufferSize"/> sequences.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void ValidateClaim(int n)
    {
        if ((uint)(n - 1) >= (uint)BufferSize)
        {
            RingSize.ThrowClaimSize(n, BufferSize);
        }
    }

    /// <summary>Waits (spin, yield, then sleep) until the slowest gating sequence reaches <paramref name="wrapPoint"/>; returns that minimum.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private protected long WaitForCapacity(long wrapPoint, long produced)
    {
        // The ring is full: the producer backs off the same way SpinWait does (spin, yield, sleep 1 ms every 20th
        // round) so a blocked producer on a 2-core machine hands the CPU to the consumer it is waiting for.
        var spinner = default(SpinWait);
        long minimum;
        while (wrapPoint > (minimum = Sequence.GetMinimum(GatingSequences, produced)))
        {
            spinner.SpinOnce();
        }

        return minimum;
    }
}
