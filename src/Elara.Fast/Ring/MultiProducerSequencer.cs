using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Elara.Fast.Ring;

/// <summary>
/// A sequencer many threads may claim from at once. Claims are one <c>lock xadd</c> on the cursor; each published
/// slot sets its own availability flag, so consumers never see a slot that was claimed but not yet written, even
/// when producers publish out of order.
/// </summary>
public sealed class MultiProducerSequencer : Sequencer
{
    // The producers' shared cache of the slowest gating sequence: any producer may refresh it (release store), any
    // may read it (acquire); a stale value only sends a producer to the slow path once more.
    private readonly Sequence _gatingCache = new();

    // Availability flags, one per slot: the "lap" (sequence >> log2(size)) of the last publish into that slot.
    // Written with a release store by the publishing producer, read with an acquire load by consumers.
    private readonly int[] _available;
    private readonly int _indexMask;
    private readonly int _indexShift;

    /// <summary>Creates a sequencer for a ring of <paramref name="bufferSize"/> slots (a power of two).</summary>
    /// <exception cref="ArgumentException"><paramref name="bufferSize"/> is not a power of two.</exception>
    public MultiProducerSequencer(int bufferSize, IWaitStrategy? waitStrategy = null)
        : base(bufferSize, waitStrategy)
    {
        _indexMask = bufferSize - 1;
        _indexShift = BitOperations.Log2((uint)bufferSize);
        _available = new int[bufferSize];
        _available.AsSpan().Fill(-1); // lap -1: nothing published; the first lap is 0
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override long Next() => Next(1);

    /// <inheritdoc />
    public override long Next(int n)
    {
        ValidateClaim(n);

        // Full fence (lock xadd): every producer gets a distinct range; waiting for room happens after the claim.
        var next = CursorSequence.AddAndGet(n);
        var current = next - n;
        var wrapPoint = next - BufferSize;
        var cached = _gatingCache.Value;
        if (wrapPoint > cached || cached > current)
        {
            _gatingCache.SetValue(WaitForCapacity(wrapPoint, current));
        }

        return next;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override bool TryNext(out long sequence) => TryNext(1, out sequence);

    /// <inheritdoc />
    public override bool TryNext(int n, out long highSequence)
    {
        ValidateClaim(n);

        long current, next;
        do
        {
            current = CursorSequence.Value;
            next = current + n;
            if (!HasCapacity(next - BufferSize, current))
            {
                highSequence = default;
                return false;
            }
        }
        while (!CursorSequence.CompareAndSet(current, next)); // CAS, not xadd: a failed TryNext must claim nothing

        highSequence = next;
        return true;
    }

    private bool HasCapacity(long wrapPoint, long current)
    {
        var cached = _gatingCache.Value;
        if (wrapPoint > cached || cached > current)
        {
            var minimum = Sequence.GetMinimum(GatingSequences, current);
            _gatingCache.SetValue(minimum);
            return wrapPoint <= minimum;
        }

        return true;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Publish(long sequence)
    {
        SetAvailable(sequence);
        if (SignalsWaiters)
        {
            WaitStrategy.Signal();
        }
    }

    /// <inheritdoc />
    public override void Publish(long lo, long hi)
    {
        for (var sequence = lo; sequence <= hi; sequence++)
        {
            SetAvailable(sequence);
        }

        if (SignalsWaiters)
        {
            WaitStrategy.Signal();
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override bool IsAvailable(long sequence)
    {
        // Acquire: seeing this lap's flag means seeing the slot contents written before the flag.
        return Volatile.Read(ref Flag(sequence)) == (int)(sequence >> _indexShift);
    }

    /// <inheritdoc />
    public override long GetHighestPublishedSequence(long lowerBound, long availableSequence)
    {
        for (var sequence = lowerBound; sequence <= availableSequence; sequence++)
        {
            if (!IsAvailable(sequence))
            {
                return sequence - 1;
            }
        }

        return availableSequence;
    }

    /// <inheritdoc />
    private protected override long ProducedCursor => CursorSequence.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetAvailable(long sequence)
    {
        // Release: the CLR forbids store/store reordering, so the slot contents land before the flag.
        Volatile.Write(ref Flag(sequence), (int)(sequence >> _indexShift));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int Flag(long sequence) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_available), (nint)((int)sequence & _indexMask));
}
