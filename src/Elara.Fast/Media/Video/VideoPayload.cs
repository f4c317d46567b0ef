using System.Buffers.Binary;

namespace Elara.Fast.Media.Video;

/// <summary>
/// The payloads of the visual events (all integers little-endian):
/// <list type="bullet">
/// <item>VisualKeyframe: <c>frame u32 · width u16 · height u16 · Y · U · V</c> — whole planes; larger than a frame, so the
/// wire layer fragments it.</item>
/// <item>VisualDelta: <c>frame u32 · base frame u32 · width u16 · height u16</c>, then per plane (Y, U, V):
/// <c>count u16</c> and <c>count</c> entries of <c>block index u16 · pixels</c>, where a block is the 16×16 square (or
/// the partial square at a plane's right and bottom edge) at that row-major index, its rows back to back.</item>
/// </list>
/// A reader validates a whole payload before it changes a pixel, so a hostile or damaged payload leaves the held
/// frame intact.
/// </summary>
public static class VideoPayload
{
    /// <summary>Bytes before the planes of a keyframe.</summary>
    public const int KeyframeHeaderSize = 8;

    /// <summary>Bytes before the first plane section of a delta.</summary>
    public const int DeltaHeaderSize = 12;

    /// <summary>Bytes a keyframe of this frame's size takes.</summary>
    public static int KeyframeSize(int width, int height) => KeyframeHeaderSize + I420Frame.ByteCount(width, height);

    /// <summary>The most bytes a delta of this size can take (every block changed).</summary>
    public static int MaxDeltaSize(int width, int height)
    {
        var chromaW = (width + 1) >> 1;
        var chromaH = (height + 1) >> 1;
        var blocks = (BlockSad.BlocksAlong(width) * BlockSad.BlocksAlong(height)) + (2 * BlockSad.BlocksAlong(chromaW) * BlockSad.BlocksAlong(chromaH));
        return DeltaHeaderSize + (3 * 2) + (blocks * 2) + I420Frame.ByteCount(width, height);
    }

    /// <summary>Writes <paramref name="frame"/> as a keyframe.</summary>
    public static VideoPayloadStatus WriteKeyframe(I420Frame frame, Span<byte> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(frame);
        written = 0;
        var size = KeyframeSize(frame.Width, frame.Height);
        if (destination.Length < size)
        {
            return VideoPayloadStatus.DestinationTooSmall;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, frame.FrameNumber);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], (ushort)frame.Width);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)frame.Height);
        frame.Data.CopyTo(destination[KeyframeHeaderSize..]);
        written = size;
        return VideoPayloadStatus.Ok;
    }

    /// <summary>Reads a keyframe's header without touching pixels.</summary>
    public static VideoPayloadStatus ReadKeyframeHeader(ReadOnlySpan<byte> payload, out uint frameNumber, out int width, out int height)
    {
        frameNumber = 0;
        width = height = 0;
        if (payload.Length < KeyframeHeaderSize)
        {
            return VideoPayloadStatus.TooShort;
        }

        frameNumber = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        width = BinaryPrimitives.ReadUInt16LittleEndian(payload[4..]);
        height = BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]);
        if (width is 0 or > I420Frame.MaxDimension || height is 0 or > I420Frame.MaxDimension)
        {
            return VideoPayloadStatus.DimensionsOutOfRange;
        }

        var size = KeyframeSize(width, height);
        return payload.Length < size ? VideoPayloadStatus.TooShort
            : payload.Length > size ? VideoPayloadStatus.TrailingBytes
            : VideoPayloadStatus.Ok;
    }

    /// <summary>Copies a validated keyframe's planes into a frame of its size.</summary>
    public static VideoPayloadStatus ApplyKeyframe(ReadOnlySpan<byte> payload, I420Frame target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var status = ReadKeyframeHeader(payload, out var frameNumber, out var width, out var height);
        if (status != VideoPayloadStatus.Ok)
        {
            return status;
        }

        if (width != target.Width || height != target.Height)
        {
            return VideoPayloadStatus.DimensionsMismatch;
        }

        payload[KeyframeHeaderSize..].CopyTo(target.Data);
        target.FrameNumber = frameNumber;
        return VideoPayloadStatus.Ok;
    }

    /// <summary>
    /// Writes the blocks of <paramref name="current"/> whose SAD against <paramref name="previous"/> exceeds
    /// <paramref name="threshold"/> (0: any change). <paramref name="sadScratch"/> holds one entry per luma block.
    /// </summary>
    public static VideoPayloadStatus WriteDelta(I420Frame current, I420Frame previous, uint threshold, Span<uint> sadScratch, Span<byte> destination, out int written, VectorWidth vectorWidth)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(previous);
        written = 0;
        if (current.Width != previous.Width || current.Height != previous.Height)
        {
            return VideoPayloadStatus.DimensionsMismatch;
        }

        if (destination.Length < DeltaHeaderSize)
        {
            return VideoPayloadStatus.DestinationTooSmall;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, current.FrameNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], previous.FrameNumber);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], (ushort)current.Width);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[10..], (ushort)current.Height);
        var offset = DeltaHeaderSize;
        for (var p = 0; p < 3; p++)
        {
            int width = current.PlaneWidth(p), height = current.PlaneHeight(p);
            int blocksX = BlockSad.BlocksAlong(width), blockCount = blocksX * BlockSad.BlocksAlong(height);
            var sads = sadScratch[..blockCount];
            BlockSad.Compute(current.Plane(p), previous.Plane(p), width, height, width, sads, vectorWidth);
            if (destination.Length < offset + 2)
            {
                return VideoPayloadStatus.DestinationTooSmall;
            }

            var countAt = offset;
            offset += 2;
            ushort count = 0;
            for (var i = 0; i < blockCount; i++)
            {
                if (sads[i] <= threshold)
                {
                    continue;
                }

                var (x, y, columns, rows) = BlockRect(i, blocksX, width, height);
                if (destination.Length < offset + 2 + (columns * rows))
                {
                    return VideoPayloadStatus.DestinationTooSmall;
                }

                BinaryPrimitives.WriteUInt16LittleEndian(destination[offset..], (ushort)i);
                offset += 2;
                var plane = current.Plane(p);
                for (var r = 0; r < rows; r++)
                {
                    plane.Slice(((y + r) * width) + x, columns).CopyTo(destination[offset..]);
                    offset += columns;
                }

                count++;
            }

            BinaryPrimitives.WriteUInt16LittleEndian(destination[countAt..], count);
        }

        written = offset;
        return VideoPayloadStatus.Ok;
    }

    /// <summary>Validates a whole delta against <paramref name="target"/>, then patches it; on any error nothing changes.</summary>
    public static VideoPayloadStatus ApplyDelta(ReadOnlySpan<byte> payload, I420Frame target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var status = Walk(payload, target, apply: false);
        if (status == VideoPayloadStatus.Ok)
        {
            Walk(payload, target, apply: true);
            target.FrameNumber = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        }

        return status;
    }

    /// <summary>Reads a delta's frame and base numbers (for receivers deciding whether it applies).</summary>
    public static bool TryReadDeltaFrames(ReadOnlySpan<byte> payload, out uint frameNumber, out uint baseFrameNumber)
    {
        frameNumber = baseFrameNumber = 0;
        if (payload.Length < DeltaHeaderSize)
        {
            return false;
        }

        frameNumber = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        baseFrameNumber = BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
        return true;
    }

    private static VideoPayloadStatus Walk(ReadOnlySpan<byte> payload, I420Frame target, bool apply)
    {
        if (payload.Length < DeltaHeaderSize)
        {
            return VideoPayloadStatus.TooShort;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]) != target.FrameNumber)
        {
            return VideoPayloadStatus.BaseMismatch;
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]) != target.Width || BinaryPrimitives.ReadUInt16LittleEndian(payload[10..]) != target.Height)
        {
            return VideoPayloadStatus.DimensionsMismatch;
        }

        var offset = DeltaHeaderSize;
        for (var p = 0; p < 3; p++)
        {
            int width = target.PlaneWidth(p), height = target.PlaneHeight(p);
            int blocksX = BlockSad.BlocksAlong(width), blockCount = blocksX * BlockSad.BlocksAlong(height);
            if (payload.Length < offset + 2)
            {
                return VideoPayloadStatus.TooShort;
            }

            int count = BinaryPrimitives.ReadUInt16LittleEndian(payload[offset..]);
            offset += 2;
            var previousIndex = -1;
            var plane = target.Plane(p);
            for (var n = 0; n < count; n++)
            {
                if (payload.Length < offset + 2)
                {
                    return VideoPayloadStatus.TooShort;
                }

                int index = BinaryPrimitives.ReadUInt16LittleEndian(payload[offset..]);
                offset += 2;
                if (index >= blockCount)
                {
                    return VideoPayloadStatus.BlockIndexOutOfRange;
                }

                if (index <= previousIndex)
                {
                    return VideoPayloadStatus.BlocksNotIncreasing;
                }

                previousIndex = index;
                var (x, y, columns, rows) = BlockRect(index, blocksX, width, height);
                if (payload.Length < offset + (columns * rows))
                {
                    return VideoPayloadStatus.TooShort;
                }

                if (apply)
                {
                    for (var r = 0; r < rows; r++)
                    {
                        payload.Slice(offset + (r * columns), columns).CopyTo(plane[(((y + r) * width) + x)..]);
                    }
                }

                offset += columns * rows;
            }
        }

        return offset == payload.Length ? VideoPayloadStatus.Ok : VideoPayloadStatus.TrailingBytes;
    }

    private static (int X, int Y, int Columns, int Rows) BlockRect(int index, int blocksX, int width, int height)
    {
        var x = index % blocksX * BlockSad.BlockSize;
        var y = index / blocksX * BlockSad.BlockSize;
        return (x, y, Math.Min(BlockSad.BlockSize, width - x), Math.Min(BlockSad.BlockSize, height - y));
    }
}
