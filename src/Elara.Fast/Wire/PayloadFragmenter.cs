using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// Splits an event payload too large for one frame into frames of at most 1400 bytes, each carrying a
/// FragmentInfo extension (index, total) and the FRAGMENT and EXTENSION flags (WIRE.md "Frame").
/// </summary>
/// <remarks>
/// Fragment <c>i</c> of a set is sent with frame counter <c>c + i</c>, where <c>c</c> is the first
/// fragment's counter (epoch · 65536 + sequence, so epoch and sequence fields follow from it). Consecutive
/// counters are what ties fragments into a set: the receiver keys a set by (session, node, class,
/// counter − index) and needs no extra set id on the wire. The caller advances its own counter by
/// <see cref="FragmentCount"/> afterwards. Each frame leaves its 16-byte tag area zeroed for the sealer.
/// </remarks>
public static class PayloadFragmenter
{
    /// <summary>Bytes the FragmentInfo extension takes (type, length, index u16, total u16).</summary>
    public const int FragmentInfoSize = 2 + 4;

    /// <summary>Payload bytes per fragment when the frames carry <paramref name="extraExtensionLength"/> more extension bytes.</summary>
    /// <param name="extraExtensionLength">Extension bytes besides FragmentInfo.</param>
    /// <returns>1400 − 30 − 6 − extra − 16.</returns>
    public static int ChunkSize(int extraExtensionLength = 0)
        => FrameLayout.MaxFrame - FrameLayout.HeaderSize - FragmentInfoSize - extraExtensionLength - FrameLayout.TagSize;

    /// <summary>How many fragments a payload needs (0 for an empty payload or one beyond 65535 fragments).</summary>
    /// <param name="payloadLength">The payload's length.</param>
    /// <param name="extraExtensionLength">Extension bytes besides FragmentInfo.</param>
    /// <returns>The fragment count, or 0 when the payload cannot be fragmented.</returns>
    public static int FragmentCount(int payloadLength, int extraExtensionLength = 0)
    {
        var chunk = ChunkSize(extraExtensionLength);
        if (payloadLength <= 0 || chunk <= 0)
        {
            return 0;
        }

        var count = (payloadLength + chunk - 1) / chunk;
        return count > ushort.MaxValue ? 0 : count;
    }

    /// <summary>Writes fragment <paramref name="index"/> of <paramref name="payload"/> as a complete frame (tag area zeroed).</summary>
    /// <param name="payload">The whole payload (event blocks).</param>
    /// <param name="index">Which fragment, 0 ≤ index &lt; <see cref="FragmentCount"/>.</param>
    /// <param name="first">The header of fragment 0: its epoch and sequence give the counter <c>c</c>; flags get
    /// FRAGMENT and EXTENSION added; the header length is computed.</param>
    /// <param name="extraExtensions">Further TLV extensions for every fragment (valid, without FragmentInfo), or empty.</param>
    /// <param name="destination">Where the frame goes (1400 bytes always suffice).</param>
    /// <param name="frameLength">The frame's length when written.</param>
    /// <returns><see cref="WireStatus.Ok"/>; <see cref="WireStatus.ValueOutOfRange"/> for an index outside the set or a
    /// payload that cannot be fragmented; the extension reader's status for bad <paramref name="extraExtensions"/>
    /// (<see cref="WireStatus.DuplicateExtension"/> when they hold a FragmentInfo); <see cref="WireStatus.DestinationTooSmall"/>.</returns>
    public static WireStatus TryWriteFragment(
        ReadOnlySpan<byte> payload, int index, in FrameHeader first, ReadOnlySpan<byte> extraExtensions, Span<byte> destination, out int frameLength)
    {
        frameLength = 0;
        var total = FragmentCount(payload.Length, extraExtensions.Length);
        if (total == 0 || (uint)index >= (uint)total)
        {
            return WireStatus.ValueOutOfRange;
        }

        var extra = new ExtensionReader(extraExtensions);
        if (!extra.TryValidate(out var hasFragmentInfo))
        {
            return extra.Status;
        }

        if (hasFragmentInfo)
        {
            return WireStatus.DuplicateExtension;
        }

        var chunkSize = ChunkSize(extraExtensions.Length);
        var chunk = payload.Slice(index * chunkSize, Math.Min(chunkSize, payload.Length - (index * chunkSize)));
        var headerLength = FrameLayout.HeaderSize + FragmentInfoSize + extraExtensions.Length;
        if (FrameLayout.TryCreate(destination, headerLength, chunk.Length, out var layout) != WireStatus.Ok)
        {
            return WireStatus.DestinationTooSmall;
        }

        var counter = first.Counter + (uint)index;
        var header = first with
        {
            Flags = first.Flags | FrameFlags.Fragment | FrameFlags.Extension,
            HeaderLength = (ushort)headerLength,
            KeyEpoch = (ushort)(counter >> 16),
            Sequence = (ushort)counter,
        };
        FrameHeaderWriter.TryWrite(layout.Frame, header);
        var extensions = new ExtensionWriter(layout.ExtensionArea);
        extensions.TryWriteFragmentInfo(new FragmentInfo((ushort)index, (ushort)total));
        extraExtensions.CopyTo(layout.ExtensionArea[FragmentInfoSize..]);
        chunk.CopyTo(layout.Ciphertext);
        layout.Tag.Clear();
        frameLength = layout.Length;
        return WireStatus.Ok;
    }
}
