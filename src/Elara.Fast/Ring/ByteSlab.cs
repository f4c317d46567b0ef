using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Elara.Fast.Ring;

/// <summary>
/// One pinned byte array cut into fixed-size slots indexed by ring sequence, the companion of a
/// <see cref="RingBuffer{T}"/> of the same size: a UDP receive lands directly in the slot of the sequence it
/// claimed, and every stage reads it there (zero copy).
/// </summary>
/// <remarks>
/// The array is allocated on the pinned object heap (<c>GC.AllocateUninitializedArray(..., pinned: true)</c>), so
/// <see cref="GetSlotPointer"/> stays valid for the slab's lifetime and the OS may write into it without a
/// <c>fixed</c> block. Contents are uninitialised until written.
/// </remarks>
public sealed unsafe class ByteSlab
{
    private readonly byte[] _buffer;
    private readonly byte* _base;
    private readonly int _slotMask;

    /// <summary>Creates <paramref name="slotCount"/> slots (a power of two) of <paramref name="slotSize"/> bytes each.</summary>
    /// <exception cref="ArgumentException"><paramref name="slotCount"/> is not a power of two.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slotSize"/> is not positive, or the slab would exceed the largest array.</exception>
    public ByteSlab(int slotCount, int slotSize)
    {
        RingSize.Validate(slotCount, nameof(slotCount));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slotSize);
        if ((long)slotCount * slotSize > Array.MaxLength)
        {
            Primitives.ThrowHelper.ThrowArgumentOutOfRange(nameof(slotSize), "slotCount * slotSize exceeds the largest array.");
        }

        SlotCount = slotCount;
        SlotSize = slotSize;
        _slotMask = slotCount - 1;
        _buffer = GC.AllocateUninitializedArray<byte>(slotCount * slotSize, pinned: true);

        // Pinned object heap: the address never changes, so caching it is safe for the array's lifetime.
        _base = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
    }

    /// <summary>Bytes per slot.</summary>
    public int SlotSize { get; }

    /// <summary>Number of slots (a power of two).</summary>
    public int SlotCount { get; }

    /// <summary>The byte offset of <paramref name="sequence"/>'s slot within the slab.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetSlotOffset(long sequence) => ((int)sequence & _slotMask) * SlotSize;

    /// <summary>The slot of <paramref name="sequence"/> (sequences one slab apart share a slot).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> GetSlot(long sequence) =>
        MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), (nint)GetSlotOffset(sequence)), SlotSize);

    /// <summary>The slot of <paramref name="sequence"/> as <see cref="Memory{T}"/> (for async socket APIs; no allocation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Memory<byte> GetSlotMemory(long sequence) => new(_buffer, GetSlotOffset(sequence), SlotSize);

    /// <summary>The address of <paramref name="sequence"/>'s slot, stable for the slab's lifetime (for native batch I/O).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* GetSlotPointer(long sequence) => _base + GetSlotOffset(sequence);

    /// <summary>The whole slab.</summary>
    public Span<byte> AsSpan() => _buffer;

    /// <summary>The whole slab as <see cref="Memory{T}"/>.</summary>
    public Memory<byte> AsMemory() => _buffer;
}
