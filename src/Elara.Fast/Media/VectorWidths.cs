using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Elara.Fast.Media;

/// <summary>
/// Which <see cref="VectorWidth"/>s this CPU accelerates, decided once from
/// <c>Vector512/256/128.IsHardwareAccelerated</c> (the JIT's own answer, so it honours
/// <c>DOTNET_EnableAVX512F=0</c> and friends).
/// </summary>
public static class VectorWidths
{
    // Widest first is what kernels want; tests iterate all of them, so order is part of the contract: Scalar, V128, V256, V512.
    private static readonly VectorWidth[] SupportedWidths = BuildSupported();

    /// <summary>The widest width this CPU accelerates (<see cref="VectorWidth.Scalar"/> when none).</summary>
    public static VectorWidth Widest { get; } = SupportedWidths[^1];

    /// <summary>
    /// Every width this CPU runs natively, narrowest first, always starting with <see cref="VectorWidth.Scalar"/>.
    /// A bit-identity test runs a kernel at each of them and compares against the scalar result.
    /// </summary>
    public static ReadOnlySpan<VectorWidth> Supported => SupportedWidths;

    /// <summary>True when <paramref name="width"/> runs natively on this CPU.</summary>
    public static bool IsSupported(VectorWidth width) => width <= Widest && width >= VectorWidth.Scalar;

    /// <summary>
    /// The width a kernel actually runs when asked for <paramref name="requested"/>: the request itself when the
    /// CPU accelerates it, otherwise the widest narrower width it does (so a forced V512 on an AVX2 machine runs V256).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorWidth Resolve(VectorWidth requested) => requested > Widest ? Widest : requested < VectorWidth.Scalar ? VectorWidth.Scalar : requested;

    private static VectorWidth[] BuildSupported()
    {
        // Each wider width is only counted if the narrower ones are too, so Supported is always a prefix of the enum.
        var widths = new List<VectorWidth>(4) { VectorWidth.Scalar };
        if (Vector128.IsHardwareAccelerated)
        {
            widths.Add(VectorWidth.V128);
            if (Vector256.IsHardwareAccelerated)
            {
                widths.Add(VectorWidth.V256);
                if (Vector512.IsHardwareAccelerated)
                {
                    widths.Add(VectorWidth.V512);
                }
            }
        }

        return [.. widths];
    }
}
