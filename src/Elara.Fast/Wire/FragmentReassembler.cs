using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// Reassembles fragmented payloads (see <see cref="PayloadFragmenter"/>) within fixed bounds: every byte it
/// will ever use is reserved in the constructor (a slab of 1354-byte fragment slots sized by
/// <see cref="FragmentReassemblerOptions.MemoryBudgetBytes"/>, a table of
/// <see cref="FragmentReassemblerOptions.MaxConcurrentSets"/> sets, one output buffer), so hostile fragments can
/// waste at most the budget, never grow memory.
/// </summary>
/// <remarks>
/// <para>When storage or the set table is full, sets older than <see cref="FragmentReassemblerOptions.Timeout"/>
/// are discarded first; if there is still no room the new fragment is dropped
/// (<see cref="ReassemblyStatus.OverBudget"/>): sets already in progress keep their chance to complete. Expiry
/// is lazy (on the next <c>Add</c> that needs room or meets the stale set) or explicit via
/// <see cref="ExpireStale()"/>, driven by the injected <see cref="TimeProvider"/>.</para>
/// <para>Not thread-safe: one instance belongs to one stage thread (the open/dispatch stage). The counters are
/// written by that thread only and read with <see cref="Volatile"/> so a metrics thread sees whole 64-bit
/// values (slightly stale at worst).</para>
/// </remarks>
public sealed class FragmentReassembler
{
    /// <summary>Bytes one fragment slot holds: the largest payload one frame can carry.</summary>
    public const int SlotSize = FrameLayout.MaxPayload;

    private readonly TimeProvider _time;
    private readonly long _timeoutTimestamps;
    private readonly int _maxFragments;
    private readonly byte[] _slab;
    private readonly ushort[] _slotLength;
    private readonly int[] _freeSlots;
    private int _freeSlotCount;
    private readonly SetEntry[] _sets;
    private readonly int[] _fragmentSlots;
    private readonly byte[] _assembled;
    private int _setsInUse;

    private long _completed;
    private long _duplicates;
    private long _invalid;
    private long _overBudget;
    private long _expiredSets;

    /// <summary>Reserves all storage for <paramref name="options"/>.</summary>
    /// <param name="options">The bounds.</param>
    /// <param name="timeProvider">The clock for set timeouts (a fake one in tests).</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not positive, above 65535 fragments per set, or the
    /// budget holds less than one slot.</exception>
    public FragmentReassembler(FragmentReassemblerOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxFragmentsPerSet, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxFragmentsPerSet, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentSets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MemoryBudgetBytes, SlotSize);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);

        _time = timeProvider;
        _timeoutTimestamps = (long)(options.Timeout.TotalSeconds * timeProvider.TimestampFrequency);
        _maxFragments = options.MaxFragmentsPerSet;
        var slots = options.MemoryBudgetBytes / SlotSize;
        _slab = GC.AllocateUninitializedArray<byte>(slots * SlotSize);
        _slotLength = new ushort[slots];
        _freeSlots = new int[slots];
        for (var i = 0; i < slots; i++)
        {
            _freeSlots[i] = slots - 1 - i;
        }

        _freeSlotCount = slots;
        _sets = new SetEntry[options.MaxConcurrentSets];
        _fragmentSlots = new int[options.MaxConcurrentSets * options.MaxFragmentsPerSet];
        _fragmentSlots.AsSpan().Fill(-1);
        _assembled = GC.AllocateUninitializedArray<byte>(options.MaxFragmentsPerSet * SlotSize);
    }

    /// <summary>Sets completed (including single-fragment sets).</summary>
    public long Completed => Volatile.Read(ref _completed);

    /// <summary>Fragments dropped because they were already stored.</summary>
    public long Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>Fragments dropped as invalid.</summary>
    public long Invalid => Volatile.Read(ref _invalid);

    /// <summary>Fragments dropped for lack of room.</summary>
    public long DroppedOverBudget => Volatile.Read(ref _overBudget);

    /// <summary>Incomplete sets discarded after the timeout.</summary>
    public long ExpiredSets => Volatile.Read(ref _expiredSets);

    /// <summary>Sets in progress now.</summary>
    public int SetsInProgress => _setsInUse;

    /// <summary>Bytes of slot storage in use now (whole slots).</summary>
    public int BufferedBytes => (_slotLength.Length - _freeSlotCount) * SlotSize;

    /// <summary>Total slot storage reserved (the memory budget rounded down to whole slots).</summary>
    public int CapacityBytes => _slotLength.Length * SlotSize;

    /// <summary>Adds a fragment that arrived in a frame (after it was opened: <paramref name="chunk"/> is plaintext).</summary>
    /// <param name="header">The fragment frame's validated header.</param>
    /// <param name="info">Its FragmentInfo.</param>
    /// <param name="chunk">Its payload bytes.</param>
    /// <param name="payload">On <see cref="ReassemblyStatus.Complete"/>, the whole payload; valid until the next call on this instance.</param>
    /// <returns>What happened to the fragment.</returns>
    public ReassemblyStatus Add(FrameHeaderReader header, FragmentInfo info, ReadOnlySpan<byte> chunk, out ReadOnlySpan<byte> payload)
        => Add(FragmentSetKey.Of(header, info), info, chunk, out payload);

    /// <summary>Adds a fragment of the set <paramref name="key"/>.</summary>
    /// <param name="key">The set.</param>
    /// <param name="info">The fragment's index and the set's total.</param>
    /// <param name="chunk">The fragment's payload bytes (copied; the caller may reuse its buffer).</param>
    /// <param name="payload">On <see cref="ReassemblyStatus.Complete"/>, the whole payload; valid until the next call on this instance.</param>
    /// <returns>What happened to the fragment.</returns>
    public ReassemblyStatus Add(FragmentSetKey key, FragmentInfo info, ReadOnlySpan<byte> chunk, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (!info.IsValid || info.Total > _maxFragments || chunk.IsEmpty || chunk.Length > SlotSize)
        {
            _invalid++;
            return ReassemblyStatus.Invalid;
        }

        if (info.Total == 1)
        {
            // A set of one needs no storage.
            payload = chunk;
            _completed++;
            return ReassemblyStatus.Complete;
        }

        var now = _time.GetTimestamp();
        var set = Find(key);
        if (set >= 0 && IsStale(set, now))
        {
            Release(set);
            _expiredSets++;
            set = -1;
        }

        if (set >= 0)
        {
            if (_sets[set].Total != info.Total)
            {
                _invalid++;
                return ReassemblyStatus.Invalid;
            }

            if (_fragmentSlots[(set * _maxFragments) + info.Index] >= 0)
            {
                _duplicates++;
                return ReassemblyStatus.Duplicate;
            }
        }

        if (_freeSlotCount == 0 || (set < 0 && _setsInUse == _sets.Length))
        {
            ExpireStale(now);
            if (_freeSlotCount == 0 || (set < 0 && _setsInUse == _sets.Length))
            {
                _overBudget++;
                return ReassemblyStatus.OverBudget;
            }
        }

        if (set < 0)
        {
            set = Open(key, info.Total, now);
        }

        var slot = _freeSlots[--_freeSlotCount];
        chunk.CopyTo(_slab.AsSpan(slot * SlotSize, SlotSize));
        _slotLength[slot] = (ushort)chunk.Length;
        _fragmentSlots[(set * _maxFragments) + info.Index] = slot;
        ref var entry = ref _sets[set];
        entry.Received++;
        if (entry.Received < entry.Total)
        {
            return ReassemblyStatus.Stored;
        }

        var length = 0;
        var slots = _fragmentSlots.AsSpan(set * _maxFragments, entry.Total);
        foreach (var s in slots)
        {
            _slab.AsSpan(s * SlotSize, _slotLength[s]).CopyTo(_assembled.AsSpan(length));
            length += _slotLength[s];
        }

        Release(set);
        _completed++;
        payload = _assembled.AsSpan(0, length);
        return ReassemblyStatus.Complete;
    }

    /// <summary>Discards every incomplete set older than the timeout.</summary>
    /// <returns>How many sets were discarded.</returns>
    public int ExpireStale() => ExpireStale(_time.GetTimestamp());

    private int ExpireStale(long now)
    {
        var expired = 0;
        for (var i = 0; i < _sets.Length; i++)
        {
            if (_sets[i].InUse && IsStale(i, now))
            {
                Release(i);
                expired++;
            }
        }

        _expiredSets += expired;
        return expired;
    }

    private bool IsStale(int set, long now) => now - _sets[set].StartedAt > _timeoutTimestamps;

    private int Find(FragmentSetKey key)
    {
        for (var i = 0; i < _sets.Length; i++)
        {
            if (_sets[i].InUse && _sets[i].Key == key)
            {
                return i;
            }
        }

        return -1;
    }

    private int Open(FragmentSetKey key, ushort total, long now)
    {
        for (var i = 0; i < _sets.Length; i++)
        {
            if (!_sets[i].InUse)
            {
                _sets[i] = new SetEntry { InUse = true, Key = key, Total = total, Received = 0, StartedAt = now };
                _setsInUse++;
                return i;
            }
        }

        // Callers check _setsInUse first.
        ThrowHelper.ThrowInvalidOperation("No free fragment set.");
        return -1;
    }

    private void Release(int set)
    {
        var slots = _fragmentSlots.AsSpan(set * _maxFragments, _sets[set].Total);
        for (var i = 0; i < slots.Length; i++)
        {
            if (slots[i] >= 0)
            {
                _freeSlots[_freeSlotCount++] = slots[i];
                slots[i] = -1;
            }
        }

        _sets[set] = default;
        _setsInUse--;
    }

    private struct SetEntry
    {
        public bool InUse;
        public FragmentSetKey Key;
        public ushort Total;
        public ushort Received;
        public long StartedAt;
    }
}
