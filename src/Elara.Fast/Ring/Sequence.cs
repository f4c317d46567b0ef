using System.Runtime.CompilerServices;

namespace Elara.Fast.Ring;

/// <summary>
/// A padded, concurrently readable position in a ring: a producer's cursor or a consumer's progress.
/// The value is written by one thread (or by <see cref="CompareAndSet"/>/<see cref="AddAndGet"/>) and read by many.
/// </summary>
/// <remarks>
/// Ordering contract (docs/ring.md): <see cref="SetValue"/> is a release store and <see cref="Value"/> an acquire
/// load, so everything written to a ring slot before <see cref="SetValue"/> is visible to a thread that reads the
/// new value. <see cref="SetValueVolatile"/> adds a full fence for the rare Dekker-style handshakes.
/// </remarks>
public sealed class Sequence
{
    /// <summary>The value of a sequence that has seen nothing yet: the first slot is sequence 0.</summary>
    public const long InitialValue = -1;

    // The only field: the value sits one cache line past the object header and has a line after it.
    private PaddedLong _value;

    /// <summary>Creates a sequence at <paramref name="initialValue"/>.</summary>
    public Sequence(long initialValue = InitialValue)
    {
        // Plain store: the constructor runs before the reference is shared, and sharing it is a release.
        _value.Value = initialValue;
    }

    /// <summary>The current value (an acquire load).</summary>
    public long Value
    {
        // Acquire: a reader that sees sequence s also sees the slot contents written before s was stored.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _value.Value);
    }

    /// <summary>Stores <paramref name="value"/> with release semantics (no fence; a plain store on x64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetValue(long value)
    {
        // Release: the CLR memory model forbids store/store reordering past a volatile write, so slot writes land first.
        Volatile.Write(ref _value.Value, value);
    }

    /// <summary>Stores <paramref name="value"/> and then issues a full fence (store/load ordering).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetValueVolatile(long value)
    {
        // Release store, then a full fence so a following load (a waiter count) cannot be satisfied before the store is visible.
        Volatile.Write(ref _value.Value, value);
        Interlocked.MemoryBarrier();
    }

    /// <summary>Atomically sets the value to <paramref name="value"/> if it equals <paramref name="expected"/>.</summary>
    /// <returns><see langword="true"/> when the swap happened.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CompareAndSet(long expected, long value)
    {
        // Full fence (lock cmpxchg): claims by competing producers must be totally ordered.
        return Interlocked.CompareExchange(ref _value.Value, value, expected) == expected;
    }

    /// <summary>Atomically adds <paramref name="increment"/> and returns the new value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long AddAndGet(long increment)
    {
        // Full fence (lock xadd): every producer gets a distinct range.
        return Interlocked.Add(ref _value.Value, increment);
    }

    /// <summary>Atomically adds one and returns the new value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long IncrementAndGet() => AddAndGet(1);

    /// <summary>The smallest value among <paramref name="sequences"/>, or <paramref name="minimum"/> when that is smaller or the array is empty.</summary>
    public static long GetMinimum(Sequence[] sequences, long minimum = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        for (var i = 0; i < sequences.Length; i++)
        {
            var value = sequences[i].Value;
            if (value < minimum)
            {
                minimum = value;
            }
        }

        return minimum;
    }

    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The raw padded cell, for the layout test.</summary>
    internal ref PaddedLong Cell => ref _value;
}
