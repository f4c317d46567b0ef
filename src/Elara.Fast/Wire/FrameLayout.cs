using System.Runtime.CompilerServices;
using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// The four regions of an ELARA frame (WIRE.md "Frame"):
/// <c>| fixed header (30 B) | extensions (TLV) | ciphertext | tag (16 B) |</c>.
/// The AAD is every byte before the ciphertext (header and extensions), so the extensions are
/// authenticated too. A layout is only made from a frame that passed <see cref="TryParse(Span{byte}, out FrameLayout, out WireStatus, out int)"/>
/// (or was sized by <see cref="TryCreate"/> for sealing), so its slices never fail.
/// </summary>
public readonly ref struct FrameLayout
{
    /// <summary>Size of the fixed header in bytes.</summary>
    public const int HeaderSize = 30;

    /// <summary>Size of the AEAD tag in bytes (ChaCha20-Poly1305 and AES-256-GCM alike).</summary>
    public const int TagSize = 16;

    /// <summary>Smallest legal frame: a fixed header and a tag, no extensions, empty ciphertext.</summary>
    public const int MinFrame = HeaderSize + TagSize;

    /// <summary>Largest legal frame; larger payloads are fragmented (FragmentInfo extension).</summary>
    public const int MaxFrame = 1400;

    /// <summary>Largest header length a frame can carry (header and extensions, leaving room for the tag).</summary>
    public const int MaxHeaderLength = MaxFrame - TagSize;

    /// <summary>Most payload bytes a single frame without extensions can carry.</summary>
    public const int MaxPayload = MaxFrame - MinFrame;

    private readonly Span<byte> _frame;
    private readonly int _headerLength;

    private FrameLayout(Span<byte> frame, int headerLength)
    {
        _frame = frame;
        _headerLength = headerLength;
    }

    /// <summary>The whole frame.</summary>
    public Span<byte> Frame => _frame;

    /// <summary>Length of the whole frame in bytes.</summary>
    public int Length => _frame.Length;

    /// <summary>Fixed header plus extensions, in bytes (the header length field).</summary>
    public int HeaderLength => _headerLength;

    /// <summary>Associated data for the AEAD: the fixed header and the extensions.</summary>
    public Span<byte> Aad => _frame[.._headerLength];

    /// <summary>The TLV extension area (empty when the frame has none).</summary>
    public Span<byte> ExtensionArea => _frame[HeaderSize.._headerLength];

    /// <summary>The encrypted payload (plaintext before sealing / after opening in place).</summary>
    public Span<byte> Ciphertext => _frame[_headerLength..^TagSize];

    /// <summary>The 16-byte authentication tag at the end of the frame.</summary>
    public Span<byte> Tag => _frame[^TagSize..];

    /// <summary>A reader over the (already validated) fixed header.</summary>
    public FrameHeaderReader Header => FrameHeaderReader.CreateUnchecked(_frame, _headerLength);

    /// <summary>An enumerator over the (already validated) extensions.</summary>
    public ExtensionReader Extensions => new(_frame[HeaderSize.._headerLength]);

    /// <summary>
    /// Validates a received datagram as a frame: the fixed header (<see cref="FrameHeaderReader.TryRead(ReadOnlySpan{byte}, out FrameHeaderReader, out WireStatus, out int)"/>)
    /// and every extension, including the FRAGMENT flag agreeing with a FragmentInfo extension.
    /// </summary>
    /// <param name="datagram">The received bytes; the layout's spans alias them (no copy).</param>
    /// <param name="layout">The layout when the frame is valid; default otherwise.</param>
    /// <param name="status"><see cref="WireStatus.Ok"/> or the reason the frame was refused.</param>
    /// <param name="offset">The byte offset in <paramref name="datagram"/> where parsing stopped
    /// (on success: the header length, where the ciphertext starts).</param>
    /// <returns>True when the frame is valid.</returns>
    public static bool TryParse(Span<byte> datagram, out FrameLayout layout, out WireStatus status, out int offset)
    {
        if (!TryValidate(datagram, out var header, out status, out offset))
        {
            layout = default;
            return false;
        }

        layout = new FrameLayout(datagram, header.HeaderLength);
        return true;
    }

    /// <summary>As <see cref="TryParse(Span{byte}, out FrameLayout, out WireStatus, out int)"/>, without the offset.</summary>
    /// <param name="datagram">The received bytes.</param>
    /// <param name="layout">The layout when the frame is valid.</param>
    /// <param name="status"><see cref="WireStatus.Ok"/> or the reason.</param>
    /// <returns>True when the frame is valid.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(Span<byte> datagram, out FrameLayout layout, out WireStatus status)
        => TryParse(datagram, out layout, out status, out _);

    /// <summary>
    /// Validates a read-only datagram as a frame (header and extensions) without making a writable layout;
    /// for tools and inspectors that only read.
    /// </summary>
    /// <param name="datagram">The received bytes.</param>
    /// <param name="header">A reader over the header when the frame is valid.</param>
    /// <param name="status"><see cref="WireStatus.Ok"/> or the reason the frame was refused.</param>
    /// <param name="offset">The byte offset where parsing stopped (on success: the header length).</param>
    /// <returns>True when the frame is valid.</returns>
    public static bool TryValidate(ReadOnlySpan<byte> datagram, out FrameHeaderReader header, out WireStatus status, out int offset)
    {
        if (!FrameHeaderReader.TryRead(datagram, out header, out status, out offset))
        {
            return false;
        }

        var extensions = header.Extensions;
        if (!extensions.TryValidate(out var hasFragmentInfo))
        {
            status = extensions.Status;
            offset = HeaderSize + extensions.Offset;
            header = default;
            return false;
        }

        if (hasFragmentInfo != ((header.Flags & FrameFlags.Fragment) != 0))
        {
            // FRAGMENT without FragmentInfo cannot be reassembled; FragmentInfo without FRAGMENT is ambiguous.
            status = WireStatus.FragmentFlagMismatch;
            offset = 1;
            header = default;
            return false;
        }

        offset = header.HeaderLength;
        return true;
    }

    /// <summary>
    /// Sizes a frame for sealing: the caller has written (or will write) <paramref name="headerLength"/> bytes
    /// of header and extensions and <paramref name="payloadLength"/> bytes of plaintext; the tag follows.
    /// Contents are not validated.
    /// </summary>
    /// <param name="buffer">A buffer at least <c>headerLength + payloadLength + 16</c> bytes long.</param>
    /// <param name="headerLength">Fixed header plus extensions (30..1384).</param>
    /// <param name="payloadLength">Plaintext bytes.</param>
    /// <param name="layout">The layout over the first <c>headerLength + payloadLength + 16</c> bytes.</param>
    /// <returns><see cref="WireStatus.Ok"/>, <see cref="WireStatus.HeaderLengthOutOfRange"/>,
    /// <see cref="WireStatus.TooLong"/> (over 1400 bytes) or <see cref="WireStatus.DestinationTooSmall"/>.</returns>
    public static WireStatus TryCreate(Span<byte> buffer, int headerLength, int payloadLength, out FrameLayout layout)
    {
        layout = default;
        if (headerLength < HeaderSize || headerLength > MaxHeaderLength || payloadLength < 0)
        {
            return WireStatus.HeaderLengthOutOfRange;
        }

        var length = headerLength + payloadLength + TagSize;
        if (length > MaxFrame)
        {
            return WireStatus.TooLong;
        }

        if (length > buffer.Length)
        {
            return WireStatus.DestinationTooSmall;
        }

        layout = new FrameLayout(buffer[..length], headerLength);
        return WireStatus.Ok;
    }

    /// <summary>The frame length for a header (with extensions) and payload of the given sizes.</summary>
    /// <param name="headerLength">Fixed header plus extensions.</param>
    /// <param name="payloadLength">Payload bytes.</param>
    /// <returns><c>headerLength + payloadLength + 16</c>.</returns>
    public static int FrameLength(int headerLength, int payloadLength) => headerLength + payloadLength + TagSize;

    /// <summary>How many payload bytes fit in one frame whose header (with extensions) is <paramref name="headerLength"/> bytes.</summary>
    /// <param name="headerLength">Fixed header plus extensions.</param>
    /// <returns><c>1400 − headerLength − 16</c>, or 0 when that is negative.</returns>
    public static int PayloadCapacity(int headerLength) => Math.Max(0, MaxFrame - headerLength - TagSize);
}
