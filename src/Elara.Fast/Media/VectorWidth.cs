namespace Elara.Fast.Media;

/// <summary>
/// The SIMD register width a media kernel runs at. Every kernel has one path per width and a
/// <see cref="Scalar"/> twin that is the reference: all paths produce the same bits for the same input
/// (integer arithmetic only, fixed rounding), so a test can run each path and compare.
/// </summary>
/// <remarks>
/// Kernels take a width as their last argument and have an overload without it that uses
/// <see cref="VectorWidths.Widest"/>. A width the CPU does not accelerate is lowered to the widest one it
/// does (<see cref="VectorWidths.Resolve"/>), never emulated in software.
/// </remarks>
public enum VectorWidth
{
    /// <summary>One element at a time: the reference twin, always available.</summary>
    Scalar = 0,

    /// <summary>128-bit vectors (<c>Vector128</c>: SSE2…SSE4.2 on x64, AdvSimd on Arm64).</summary>
    V128 = 1,

    /// <summary>256-bit vectors (<c>Vector256</c>: AVX2).</summary>
    V256 = 2,

    /// <summary>512-bit vectors (<c>Vector512</c>: AVX-512 F/BW/CD/DQ/VL).</summary>
    V512 = 3,
}
