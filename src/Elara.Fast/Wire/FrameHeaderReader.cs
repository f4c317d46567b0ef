using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// A zero-copy view of the 30-byte fixed header of a received frame (WIRE.md "Fixed header"; all integers
/// little-endian). <see cref="TryRead(ReadOnlySpan{byte}, out FrameHeaderReader, out WireStatus, out int)"/>
/// validates once; the properties then read straight from the datagram without further checks.
/// </summary>
/// <remarks>
/// Checks, in this order, each reported with the offset of the byte at fault: frame shorter than 46
/// (<see cref="WireStatus.TooShort"/>, offset = the datagram length) or longer than 1400
/// (<see cref="WireStatus.TooLong"/>, offset 1400); version nibble not 0 (offset 0); unknown suite (offset 0);
/// reserved flag bit 7 (offset 1); header length below 30 or above frame length − 16 (offset 2); EXTENSION
/// flag disagreeing with the presence of extension bytes (offset 1); unknown packet class (offset 20).
/// The extensions themselves are checked by <see cref="ExtensionReader"/> (or all at once by <see cref="FrameLayout"/>).
/// </remarks>
public readonly ref struct FrameHeaderReader
{
    private readonly ReadOnlySpan<byte> _frame;

    private FrameHeaderReader(ReadOnlySpan<byte> frame) => _frame = frame;

    /// <summary>The header length as read (30 plus extension bytes).</summary>
    public int HeaderLength => BinaryPrimitives.ReadUInt16LittleEndian(_frame[HeaderOffsets.HeaderLength..]);

    /// <summary>The protocol version (high nibble of byte 0); always 0 once validated.</summary>
    public byte Version => (byte)(_frame[HeaderOffsets.VersionSuite] >> 4);

    /// <summary>The crypto suite (low nibble of byte 0).</summary>
    public CryptoSuite Suite => (CryptoSuite)(_frame[HeaderOffsets.VersionSuite] & 0x0F);

    /// <summary>The flags byte.</summary>
    public FrameFlags Flags => (FrameFlags)_frame[HeaderOffsets.Flags];

    /// <summary>The session the frame belongs to.</summary>
    public SessionId SessionId => new(BinaryPrimitives.ReadUInt64LittleEndian(_frame[HeaderOffsets.SessionId..]));

    /// <summary>The sender.</summary>
    public NodeId NodeId => new(BinaryPrimitives.ReadUInt64LittleEndian(_frame[HeaderOffsets.NodeId..]));

    /// <summary>The packet class.</summary>
    public PacketClass PacketClass => (PacketClass)_frame[HeaderOffsets.PacketClass];

    /// <summary>The representation profile; values not named by the enum are custom profiles.</summary>
    public RepresentationProfile Profile => (RepresentationProfile)_frame[HeaderOffsets.Profile];

    /// <summary>Event time minus the sender's state clock, in 100 µs units.</summary>
    public int TimeHint => BinaryPrimitives.ReadInt32LittleEndian(_frame[HeaderOffsets.TimeHint..]);

    /// <summary>The key epoch.</summary>
    public ushort KeyEpoch => BinaryPrimitives.ReadUInt16LittleEndian(_frame[HeaderOffsets.KeyEpoch..]);

    /// <summary>The sequence number per (sender, class); wraps.</summary>
    public ushort Sequence => BinaryPrimitives.ReadUInt16LittleEndian(_frame[HeaderOffsets.Sequence..]);

    /// <summary>The 32-bit frame counter: epoch · 65536 + sequence (the replay window's key).</summary>
    public uint Counter => ((uint)KeyEpoch << 16) | Sequence;

    /// <summary>The fixed header's 30 bytes.</summary>
    public ReadOnlySpan<byte> FixedHeader => _frame[..FrameLayout.HeaderSize];

    /// <summary>The TLV extension bytes (empty when there are none).</summary>
    public ReadOnlySpan<byte> ExtensionArea => _frame[FrameLayout.HeaderSize..HeaderLength];

    /// <summary>An enumerator over the extensions; it validates as it goes.</summary>
    public ExtensionReader Extensions => new(ExtensionArea);

    /// <summary>The whole datagram the header was read from.</summary>
    public ReadOnlySpan<byte> Frame => _frame;

    /// <summary>All fields as plain values.</summary>
    /// <returns>A <see cref="FrameHeader"/> with every field of this header.</returns>
    public FrameHeader ToHeader() => new(
        Version, Suite, Flags, (ushort)HeaderLength, SessionId, NodeId, PacketClass, Profile, TimeHint, KeyEpoch, Sequence);

    /// <summary>Validates the fixed header of <paramref name="datagram"/> (see the remarks for the checks).</summary>
    /// <param name="datagram">The whole received datagram.</param>
    /// <param name="reader">A reader over the datagram when valid; default otherwise.</param>
    /// <param name="status"><see cref="WireStatus.Ok"/> or the reason the header was refused.</param>
    /// <param name="offset">The offset of the offending byte, or on success <see cref="FrameLayout.HeaderSize"/>.</param>
    /// <returns>True when the fixed header is valid.</returns>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out FrameHeaderReader reader, out WireStatus status, out int offset)
    {
        status = Check(datagram, out offset);
        if (status != WireStatus.Ok)
        {
            reader = default;
            return false;
        }

        reader = new FrameHeaderReader(datagram);
        return true;
    }

    /// <summary>As <see cref="TryRead(ReadOnlySpan{byte}, out FrameHeaderReader, out WireStatus, out int)"/>, without the offset.</summary>
    /// <param name="datagram">The whole received datagram.</param>
    /// <param name="reader">A reader over the datagram when valid.</param>
    /// <param name="status"><see cref="WireStatus.Ok"/> or the reason.</param>
    /// <returns>True when the fixed header is valid.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ReadOnlySpan<byte> datagram, out FrameHeaderReader reader, out WireStatus status)
        => TryRead(datagram, out reader, out status, out _);

    /// <summary>For <see cref="FrameLayout"/>, whose frame was validated already.</summary>
    internal static FrameHeaderReader CreateUnchecked(ReadOnlySpan<byte> frame, int headerLength)
    {
        System.Diagnostics.Debug.Assert(headerLength == BinaryPrimitives.ReadUInt16LittleEndian(frame[HeaderOffsets.HeaderLength..]));
        return new FrameHeaderReader(frame);
    }

    private static WireStatus Check(ReadOnlySpan<byte> datagram, out int offset)
    {
        if (datagram.Length < FrameLayout.MinFrame)
        {
            offset = datagram.Length;
            return WireStatus.TooShort;
        }

        if (datagram.Length > FrameLayout.MaxFrame)
        {
            offset = FrameLayout.MaxFrame;
            return WireStatus.TooLong;
        }

        // One bounds check for the whole fixed header; the reads below are then in range.
        var header = datagram[..FrameLayout.HeaderSize];
        var versionSuite = header[HeaderOffsets.VersionSuite];
        if ((versionSuite >> 4) != 0)
        {
            offset = HeaderOffsets.VersionSuite;
            return WireStatus.BadVersion;
        }

        if ((versionSuite & 0x0F) > (byte)CryptoSuite.Aes256Gcm)
        {
            offset = HeaderOffsets.VersionSuite;
            return WireStatus.UnknownSuite;
        }

        var flags = header[HeaderOffsets.Flags];
        if ((flags & (byte)FrameFlags.Reserved) != 0)
        {
            offset = HeaderOffsets.Flags;
            return WireStatus.ReservedFlagSet;
        }

        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(header[HeaderOffsets.HeaderLength..]);
        if (headerLength < FrameLayout.HeaderSize || headerLength > datagram.Length - FrameLayout.TagSize)
        {
            offset = HeaderOffsets.HeaderLength;
            return WireStatus.HeaderLengthOutOfRange;
        }

        if (((flags & (byte)FrameFlags.Extension) != 0) != (headerLength > FrameLayout.HeaderSize))
        {
            offset = HeaderOffsets.Flags;
            return WireStatus.ExtensionFlagMismatch;
        }

        if (!PacketClassExtensions.IsDefined(header[HeaderOffsets.PacketClass]))
        {
            offset = HeaderOffsets.PacketClass;
            return WireStatus.UnknownClass;
        }

        offset = FrameLayout.HeaderSize;
        return WireStatus.Ok;
    }
}
