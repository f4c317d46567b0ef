using System.Buffers.Binary;
using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// Appends TLV extensions into the extension area of a frame being built (the bytes after the 30-byte fixed
/// header). Every <c>TryWrite…</c> checks the remaining capacity and writes nothing when the extension does not
/// fit. The area is capped at 1354 bytes (so that header length + tag stays within a 1400-byte frame). Set the
/// header's length to <see cref="HeaderLength"/> and its EXTENSION flag when <see cref="BytesWritten"/> &gt; 0.
/// </summary>
public ref struct ExtensionWriter
{
    /// <summary>Largest extension area a frame can carry.</summary>
    public const int MaxAreaLength = FrameLayout.MaxHeaderLength - FrameLayout.HeaderSize;

    private readonly Span<byte> _area;

    /// <summary>Starts writing at the beginning of <paramref name="extensionArea"/>.</summary>
    /// <param name="extensionArea">The bytes after the fixed header (for example <c>frame[30..]</c>).</param>
    public ExtensionWriter(Span<byte> extensionArea)
    {
        _area = extensionArea.Length > MaxAreaLength ? extensionArea[..MaxAreaLength] : extensionArea;
        BytesWritten = 0;
    }

    /// <summary>Extension bytes written so far.</summary>
    public int BytesWritten { get; private set; }

    /// <summary>The header length for what was written: 30 + <see cref="BytesWritten"/>.</summary>
    public readonly ushort HeaderLength => (ushort)(FrameLayout.HeaderSize + BytesWritten);

    /// <summary>Appends one extension with raw value bytes (any type, including unknown ones).</summary>
    /// <param name="type">The type byte; not <see cref="ExtensionType.End"/>.</param>
    /// <param name="value">The value; at most 255 bytes.</param>
    /// <returns>False (writing nothing) when the area has no room.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is longer than 255 bytes or the type is End.</exception>
    public bool TryWrite(ExtensionType type, scoped ReadOnlySpan<byte> value)
    {
        if (value.Length > byte.MaxValue || type == ExtensionType.End)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(value), "An extension value is at most 255 bytes, and End has none.");
        }

        if (!TryReserve(type, value.Length, out var destination))
        {
            return false;
        }

        value.CopyTo(destination);
        return true;
    }

    /// <summary>Appends a RatchetId (u32).</summary>
    /// <param name="value">The ratchet id.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWriteRatchetId(uint value)
    {
        if (!TryReserve(ExtensionType.RatchetId, 4, out var d))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(d, value);
        return true;
    }

    /// <summary>Appends a KeyEpoch (u16).</summary>
    /// <param name="value">The epoch.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWriteKeyEpoch(ushort value) => TryWriteUInt16(ExtensionType.KeyEpoch, value);

    /// <summary>Appends a SwarmRole (1 byte).</summary>
    /// <param name="value">The role.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWriteSwarmRole(SwarmRole value) => TryWriteByte(ExtensionType.SwarmRole, (byte)value);

    /// <summary>Appends a RelayHop (1 byte).</summary>
    /// <param name="value">The hop count.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWriteRelayHop(byte value) => TryWriteByte(ExtensionType.RelayHop, value);

    /// <summary>Appends an InterestMask (u64).</summary>
    /// <param name="value">The mask.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWriteInterestMask(ulong value)
    {
        if (!TryReserve(ExtensionType.InterestMask, 8, out var d))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(d, value);
        return true;
    }

    /// <summary>Appends a RedundancyGroup (u16).</summary>
    /// <param name="value">The group.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWriteRedundancyGroup(ushort value) => TryWriteUInt16(ExtensionType.RedundancyGroup, value);

    /// <summary>Appends a CompressionHint (1 byte).</summary>
    /// <param name="value">The hint.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWriteCompressionHint(byte value) => TryWriteByte(ExtensionType.CompressionHint, value);

    /// <summary>Appends a FragmentInfo (index u16, total u16).</summary>
    /// <param name="value">The index and total.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWriteFragmentInfo(FragmentInfo value)
    {
        if (!TryReserve(ExtensionType.FragmentInfo, 4, out var d))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(d, value.Index);
        BinaryPrimitives.WriteUInt16LittleEndian(d[2..], value.Total);
        return true;
    }

    /// <summary>Appends a PathId (u16).</summary>
    /// <param name="value">The path id.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWritePathId(ushort value) => TryWriteUInt16(ExtensionType.PathId, value);

    /// <summary>Appends a PriorityHint (1 byte).</summary>
    /// <param name="value">The hint.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWritePriorityHint(byte value) => TryWriteByte(ExtensionType.PriorityHint, value);

    /// <summary>Appends a CausalityRef (variable, at most 255 bytes).</summary>
    /// <param name="value">The reference bytes.</param>
    /// <returns>False when the area has no room.</returns>
    public bool TryWriteCausalityRef(scoped ReadOnlySpan<byte> value) => TryWrite(ExtensionType.CausalityRef, value);

    /// <summary>Closes the area with the one-byte End marker; nothing may be written after it.</summary>
    /// <returns>False when the area has no room.</returns>
    public bool TryWriteEnd()
    {
        if (BytesWritten >= _area.Length)
        {
            return false;
        }

        _area[BytesWritten++] = (byte)ExtensionType.End;
        return true;
    }

    private bool TryWriteByte(ExtensionType type, byte value)
    {
        if (!TryReserve(type, 1, out var d))
        {
            return false;
        }

        d[0] = value;
        return true;
    }

    private bool TryWriteUInt16(ExtensionType type, ushort value)
    {
        if (!TryReserve(type, 2, out var d))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(d, value);
        return true;
    }

    private bool TryReserve(ExtensionType type, int length, out Span<byte> value)
    {
        if (_area.Length - BytesWritten < length + 2)
        {
            value = default;
            return false;
        }

        _area[BytesWritten] = (byte)type;
        _area[BytesWritten + 1] = (byte)length;
        value = _area.Slice(BytesWritten + 2, length);
        BytesWritten += length + 2;
        return true;
    }
}
