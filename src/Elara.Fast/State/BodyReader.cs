using System.Buffers.Binary;

namespace Elara.Fast.State;

/// <summary>
/// A bounds-checked little-endian reader over an atom body (the bytes inside a Set, Append, Blend or Merge).
/// A read past the end sets <see cref="Failed"/> and returns zeros, so a decoder reads straight through and checks
/// once at the end: hostile input costs a branch, never an exception.
/// </summary>
internal ref struct BodyReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private int _position;

    public BodyReader(ReadOnlySpan<byte> bytes)
    {
        _bytes = bytes;
        _position = 0;
        Failed = false;
    }

    /// <summary>True once any read ran past the end.</summary>
    public bool Failed { get; private set; }

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _bytes.Length - _position;

    /// <summary>True when everything was read and nothing failed.</summary>
    public readonly bool IsCompleteAndValid => !Failed && _position == _bytes.Length;

    public byte ReadByte() => Take(1) is { IsEmpty: false } s ? s[0] : (byte)0;

    public ushort ReadUInt16() => Take(2) is { IsEmpty: false } s ? BinaryPrimitives.ReadUInt16LittleEndian(s) : (ushort)0;

    public long ReadInt64() => Take(8) is { IsEmpty: false } s ? BinaryPrimitives.ReadInt64LittleEndian(s) : 0;

    public ulong ReadUInt64() => Take(8) is { IsEmpty: false } s ? BinaryPrimitives.ReadUInt64LittleEndian(s) : 0;

    public float ReadSingle() => Take(4) is { IsEmpty: false } s ? BinaryPrimitives.ReadSingleLittleEndian(s) : 0;

    /// <summary>The next <paramref name="length"/> bytes (empty and failed when they are not there).</summary>
    public ReadOnlySpan<byte> ReadBytes(int length) => length == 0 ? default : Take(length);

    /// <summary>Everything left.</summary>
    public ReadOnlySpan<byte> ReadRest() => Take(Remaining);

    private ReadOnlySpan<byte> Take(int length)
    {
        if (Failed || length > _bytes.Length - _position)
        {
            Failed = true;
            return default;
        }

        var s = _bytes.Slice(_position, length);
        _position += length;
        return s;
    }
}

/// <summary>A little-endian writer into a span the caller sized exactly (from an <c>EncodedLength</c>).</summary>
internal ref struct BodyWriter
{
    private readonly Span<byte> _bytes;

    public BodyWriter(Span<byte> bytes)
    {
        _bytes = bytes;
        Position = 0;
    }

    public int Position { get; private set; }

    public void WriteByte(byte value) => _bytes[Position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_bytes[Position..], value);
        Position += 2;
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_bytes[Position..], value);
        Position += 8;
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes[Position..], value);
        Position += 8;
    }

    public void WriteSingle(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_bytes[Position..], value);
        Position += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_bytes[Position..]);
        Position += value.Length;
    }
}
