using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Video;

/// <summary>
/// One I420 picture in one buffer: a luma plane of <c>Width × Height</c>, then the U and V planes of
/// <c>⌈Width/2⌉ × ⌈Height/2⌉</c>, each tightly packed (stride = width). Allocated once per stream and reused.
/// </summary>
public sealed class I420Frame
{
    private readonly byte[] _buffer;

    /// <summary>Allocates a frame of the given luma size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not 1 to <see cref="MaxDimension"/>.</exception>
    public I420Frame(int width, int height)
    {
        if (width is < 1 or > MaxDimension || height is < 1 or > MaxDimension)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(width), $"Frame dimensions are 1 to {MaxDimension}.");
        }

        Width = width;
        Height = height;
        _buffer = new byte[ByteCount(width, height)];
    }

    /// <summary>
    /// The largest width or height a frame may have: it bounds what a hostile keyframe can make a receiver allocate, and
    /// keeps every 16×16 block index within a delta's u16 (255 × 255 blocks).
    /// </summary>
    public const int MaxDimension = 4080;

    /// <summary>Luma width.</summary>
    public int Width { get; }

    /// <summary>Luma height.</summary>
    public int Height { get; }

    /// <summary>Chroma width: <c>⌈Width/2⌉</c>.</summary>
    public int ChromaWidth => (Width + 1) >> 1;

    /// <summary>Chroma height: <c>⌈Height/2⌉</c>.</summary>
    public int ChromaHeight => (Height + 1) >> 1;

    /// <summary>The frame's sequence number in its stream (deltas name the frame they apply to).</summary>
    public uint FrameNumber { get; set; }

    /// <summary>All three planes, back to back.</summary>
    public Span<byte> Data => _buffer;

    /// <summary>The luma plane.</summary>
    public Span<byte> Y => _buffer.AsSpan(0, Width * Height);

    /// <summary>The U (Cb) plane.</summary>
    public Span<byte> U => _buffer.AsSpan(Width * Height, ChromaWidth * ChromaHeight);

    /// <summary>The V (Cr) plane.</summary>
    public Span<byte> V => _buffer.AsSpan((Width * Height) + (ChromaWidth * ChromaHeight), ChromaWidth * ChromaHeight);

    /// <summary>Bytes of an I420 frame of the given luma size.</summary>
    public static int ByteCount(int width, int height) => (width * height) + (2 * ((width + 1) >> 1) * ((height + 1) >> 1));

    /// <summary>Plane 0 is Y, 1 is U, 2 is V.</summary>
    public Span<byte> Plane(int index) => index switch
    {
        0 => Y,
        1 => U,
        _ => V,
    };

    /// <summary>Width of plane <paramref name="index"/>.</summary>
    public int PlaneWidth(int index) => index == 0 ? Width : ChromaWidth;

    /// <summary>Height of plane <paramref name="index"/>.</summary>
    public int PlaneHeight(int index) => index == 0 ? Height : ChromaHeight;

    /// <summary>Copies pixels and frame number from a frame of the same size.</summary>
    /// <exception cref="ArgumentException">The sizes differ.</exception>
    public void CopyFrom(I420Frame other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Width != Width || other.Height != Height)
        {
            ThrowHelper.ThrowArgument(nameof(other), "Frames differ in size.");
        }

        other._buffer.AsSpan().CopyTo(_buffer);
        FrameNumber = other.FrameNumber;
    }

    /// <summary>Writes this frame at half size into <paramref name="destination"/> (2×2 box filter on every plane).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <c>⌈W/2⌉ × ⌈H/2⌉</c>.</exception>
    public void DownscaleInto(I420Frame destination, VectorWidth vectorWidth)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Width != PlaneDownscaler.HalfOf(Width) || destination.Height != PlaneDownscaler.HalfOf(Height))
        {
            ThrowHelper.ThrowArgument(nameof(destination), "A half-size frame is ⌈W/2⌉ × ⌈H/2⌉.");
        }

        for (var p = 0; p < 3; p++)
        {
            PlaneDownscaler.Downscale2x2(Plane(p), PlaneWidth(p), PlaneHeight(p), PlaneWidth(p), destination.Plane(p), destination.PlaneWidth(p), vectorWidth);
        }

        destination.FrameNumber = FrameNumber;
    }
}
