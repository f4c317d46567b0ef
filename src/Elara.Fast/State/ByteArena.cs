namespace Elara.Fast.State;

/// <summary>An entry whose bytes live in a <see cref="ByteArena"/>.</summary>
internal interface IArenaSlice<T>
{
    int Offset { get; }

    int Length { get; }

    T WithOffset(int offset);
}

/// <summary>
/// Append-only byte storage for the variable-length parts of an atom (log texts, set elements). Removing an
/// entry only forgets its bytes; when the arena fills, the live bytes are compacted into a spare buffer of the same
/// size, and only if they still do not fit do both grow. An atom is bounded by <see cref="StateLimits.MaxAtomBytes"/>,
/// so after warm-up the arena stops allocating.
/// </summary>
internal sealed class ByteArena(int capacity)
{
    private byte[] _bytes = new byte[capacity];
    private byte[] _spare = new byte[capacity];
    private int _length;

    /// <summary>Bytes of entries still referenced.</summary>
    public int LiveBytes { get; private set; }

    public ReadOnlySpan<byte> Slice(int offset, int length) => _bytes.AsSpan(offset, length);

    /// <summary>Copies <paramref name="bytes"/> in and returns their offset; may move the <paramref name="live"/> entries.</summary>
    public int Store<T>(ReadOnlySpan<byte> bytes, Span<T> live)
        where T : struct, IArenaSlice<T>
    {
        if (_length + bytes.Length > _bytes.Length)
        {
            Compact(bytes.Length, live);
        }

        var offset = _length;
        bytes.CopyTo(_bytes.AsSpan(offset));
        _length += bytes.Length;
        LiveBytes += bytes.Length;
        return offset;
    }

    /// <summary>Forgets <paramref name="length"/> bytes of an entry that was removed.</summary>
    public void Release(int length) => LiveBytes -= length;

    public void Clear()
    {
        _length = 0;
        LiveBytes = 0;
    }

    private void Compact<T>(int needed, Span<T> live)
        where T : struct, IArenaSlice<T>
    {
        if (LiveBytes + needed > _spare.Length)
        {
            _spare = new byte[Math.Max(_bytes.Length * 2, LiveBytes + needed)];
        }

        var length = 0;
        for (var i = 0; i < live.Length; i++)
        {
            var e = live[i];
            _bytes.AsSpan(e.Offset, e.Length).CopyTo(_spare.AsSpan(length));
            live[i] = e.WithOffset(length);
            length += e.Length;
        }

        (_bytes, _spare) = (_spare, _bytes);
        _length = length;
        if (_spare.Length < _bytes.Length)
        {
            _spare = new byte[_bytes.Length];
        }
    }
}
