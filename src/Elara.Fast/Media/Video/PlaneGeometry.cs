using Elara.Fast.Primitives;

namespace Elara.Fast.Media.Video;

/// <summary>Argument checks shared by the plane kernels: a plane is <c>height</c> rows of <c>width</c> bytes, <c>stride</c> apart.</summary>
internal static class PlaneGeometry
{
    /// <summary>The bytes a plane spans: every row but the last is a full stride, the last only its width.</summary>
    public static int RequiredLength(int width, int height, int stride)
        => width == 0 || height == 0 ? 0 : ((height - 1) * stride) + width;

    public static void Validate(int length, int width, int height, int stride, string name)
    {
        if (width < 0 || height < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, "Plane dimensions must not be negative.");
        }

        if (stride < width)
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, "A plane's stride must be at least its width.");
        }

        if (length < RequiredLength(width, height, stride))
        {
            ThrowHelper.ThrowArgument(name, "The buffer is smaller than the plane it is said to hold.");
        }
    }
}
