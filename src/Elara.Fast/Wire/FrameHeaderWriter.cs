using System.Buffers.Binary;
using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// Writes the 30-byte fixed header in place (WIRE.md "Fixed header"; integers little-endian). Each setter
/// stores one field straight into the destination; nothing is validated here (the receiver's
/// <see cref="FrameHeaderReader"/> does that), so tests can also write deliberately bad headers.
/// </summary>
public readonly ref struct FrameHeaderWriter
{
    private readonly Span<byte> _header;

    private FrameHeaderWriter(Span<byte> header) => _header = header;

    /// <summary>Makes a writer over the first 30 bytes of <paramref name="destination"/>.</summary>
    /// <param name="destination">The frame buffer; at least 30 bytes.</param>
    /// <param name="writer">The writer when the buffer is large enough.</param>
    /// <returns>False when <paramref name="destination"/> is shorter than 30 bytes.</returns>
    public static bool TryCreate(Span<byte> destination, out FrameHeaderWriter writer)
    {
        if (destination.Length < FrameLayout.HeaderSize)
        {
            writer = default;
            return false;
        }

        writer = new FrameHeaderWriter(destination[..FrameLayout.HeaderSize]);
        return true;
    }

    /// <summary>Writes every field of <paramref name="header"/> into the first 30 bytes of <paramref name="destination"/>.</summary>
    /// <param name="destination">The frame buffer; at least 30 bytes.</param>
    /// <param name="header">The field values.</param>
    /// <returns>False (writing nothing) when <paramref name="destination"/> is shorter than 30 bytes.</returns>
    public static bool TryWrite(Span<byte> destination, in FrameHeader header)
    {
        if (!TryCreate(destination, out var writer))
        {
            return false;
        }

        writer.Write(header);
        return true;
    }

    /// <summary>Writes every field of <paramref name="header"/>.</summary>
    /// <param name="header">The field values.</param>
    public void Write(in FrameHeader header)
    {
        SetVersionAndSuite(header.Version, header.Suite);
        Flags = header.Flags;
        HeaderLength = header.HeaderLength;
        SessionId = header.SessionId;
        NodeId = header.NodeId;
        PacketClass = header.PacketClass;
        Profile = header.Profile;
        TimeHint = header.TimeHint;
        KeyEpoch = header.KeyEpoch;
        Sequence = header.Sequence;
    }

    /// <summary>Byte 0: version in the high nibble, suite in the low nibble (each masked to 4 bits).</summary>
    /// <param name="version">The protocol version (0).</param>
    /// <param name="suite">The crypto suite.</param>
    public void SetVersionAndSuite(byte version, CryptoSuite suite)
        => _header[HeaderOffsets.VersionSuite] = (byte)(((version & 0x0F) << 4) | ((byte)suite & 0x0F));

    /// <summary>Byte 1.</summary>
    public FrameFlags Flags
    {
        get => (FrameFlags)_header[HeaderOffsets.Flags];
        set => _header[HeaderOffsets.Flags] = (byte)value;
    }

    /// <summary>Bytes 2–3: 30 plus the extension bytes.</summary>
    public ushort HeaderLength
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_header[HeaderOffsets.HeaderLength..]);
        set => BinaryPrimitives.WriteUInt16LittleEndian(_header[HeaderOffsets.HeaderLength..], value);
    }

    /// <summary>Bytes 4–11.</summary>
    public SessionId SessionId
    {
        get => new(BinaryPrimitives.ReadUInt64LittleEndian(_header[HeaderOffsets.SessionId..]));
        set => BinaryPrimitives.WriteUInt64LittleEndian(_header[HeaderOffsets.SessionId..], value.Value);
    }

    /// <summary>Bytes 12–19.</summary>
    public NodeId NodeId
    {
        get => new(BinaryPrimitives.ReadUInt64LittleEndian(_header[HeaderOffsets.NodeId..]));
        set => BinaryPrimitives.WriteUInt64LittleEndian(_header[HeaderOffsets.NodeId..], value.Value);
    }

    /// <summary>Byte 20.</summary>
    public PacketClass PacketClass
    {
        get => (PacketClass)_header[HeaderOffsets.PacketClass];
        set => _header[HeaderOffsets.PacketClass] = (byte)value;
    }

    /// <summary>Byte 21.</summary>
    public RepresentationProfile Profile
    {
        get => (RepresentationProfile)_header[HeaderOffsets.Profile];
        set => _header[HeaderOffsets.Profile] = (byte)value;
    }

    /// <summary>Bytes 22–25, 100 µs units.</summary>
    public int TimeHint
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(_header[HeaderOffsets.TimeHint..]);
        set => BinaryPrimitives.WriteInt32LittleEndian(_header[HeaderOffsets.TimeHint..], value);
    }

    /// <summary>Bytes 26–27.</summary>
    public ushort KeyEpoch
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_header[HeaderOffsets.KeyEpoch..]);
        set => BinaryPrimitives.WriteUInt16LittleEndian(_header[HeaderOffsets.KeyEpoch..], value);
    }

    /// <summary>Bytes 28–29.</summary>
    public ushort Sequence
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_header[HeaderOffsets.Sequence..]);
        set => BinaryPrimitives.WriteUInt16LittleEndian(_header[HeaderOffsets.Sequence..], value);
    }

    /// <summary>The 30 header bytes being written.</summary>
    public Span<byte> Bytes => _header;
}
