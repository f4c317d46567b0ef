using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Elara.Fast.Ring;

/// <summary>
/// A sequencer for exactly one producer thread: claims are plain field updates (no atomic instruction), publish is
/// one release store of the cursor. Calling it from two threads at once corrupts the ring; use
/// <see cref="MultiProducerSequencer"/> for that.
/// </summary>
public sealed class SingleProducerSequencer : Sequencer
{
    private ProducerState _state;

    /// <summary>Creates a sequencer for a ring of <paramref name="bufferSize"/> slots (a power of two).</summary>
    /// <exception cref="ArgumentException"><paramref name="bufferSize"/> is not a power of two.</exception>
    public SingleProducerSequencer(int bufferSize, IWaitStrategy? waitStrategy = null)
        : base(bufferSize, waitStrategy)
    {
        _state.NextValue = Sequence.InitialValue;
        _state.CachedGatingValue = Sequence.InitialValue;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override long Next() => Next(1);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override long Next(int n)
    {
        ValidateClaim(n);

        // Producer-thread-only fields: plain loads and stores (this is why only one thread may produce).
        var current = _state.NextValue;
        var next = current + n;
        var wrapPoint = next - BufferSize;
        if (wrapPoint > _state.CachedGatingValue)
        {
            _state.CachedGatingValue = WaitForCapacity(wrapPoint, current);
        }

        _state.NextValue = next;
        return next;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override bool TryNext(out long sequence) => TryNext(1, out sequence);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override bool TryNext(int n, out long highSequence)
    {
        ValidateClaim(n);

        var current = _state.NextValue;
        var next = current + n;
        var wrapPoint = next - BufferSize;
        if (wrapPoint > _state.CachedGatingValue)
        {
            var minimum = Sequence.GetMinimum(GatingSequences, current);
            _state.CachedGatingValue = minimum;
            if (wrapPoint > minimum)
            {
                highSequence = default;
                return false;
            }
        }

        _state.NextValue = next;
        highSequence = next;
        return true;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Publish(long sequence)
    {
        // Release store: the slot writes before it are visible to any consumer that acquires the new cursor.
        CursorSequence.SetValue(sequence);
        if (SignalsWaiters)
        {
            WaitStrategy.Signal();
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Publish(long lo, long hi) => Publish(hi);

    /// <inheritdoc />
    public override bool IsAvailable(long sequence)
    {
        var cursor = CursorSequence.Value;
        return sequence <= cursor && sequence > cursor - BufferSize;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override long GetHighestPublishedSequence(long lowerBound, long availableSequence) => availableSequence;

    /// <inheritdoc />
    private protected override long ProducedCursor => _state.NextValue;

    /// <summary>The producer's private counters, padded so consumers reading the sequencer's read-only fields never share their line.</summary>
    [StructLayout(LayoutKind.Explicit, Size = PaddedLong.CacheLineSize + 16 + PaddedLong.CacheLineSize)]
    private struct ProducerState
    {
        [FieldOffset(PaddedLong.CacheLineSize)]
        public long NextValue;

        [FieldOffset(PaddedLong.CacheLineSize + 8)]
        public long CachedGatingValue;
    }
}
