using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// Identifies one fragment set: the sender, its session and class, and the counter of fragment 0
/// (each fragment's counter minus its index; see <see cref="PayloadFragmenter"/>).
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="NodeId">The sender.</param>
/// <param name="PacketClass">The class (counters are per sender and class).</param>
/// <param name="FirstCounter">The frame counter of fragment 0.</param>
public readonly record struct FragmentSetKey(SessionId SessionId, NodeId NodeId, PacketClass PacketClass, uint FirstCounter)
{
    /// <summary>The set a fragment belongs to, from its header and FragmentInfo.</summary>
    /// <param name="header">The fragment's (validated) header.</param>
    /// <param name="info">The fragment's FragmentInfo.</param>
    /// <returns>The set key.</returns>
    public static FragmentSetKey Of(FrameHeaderReader header, FragmentInfo info)
        => new(header.SessionId, header.NodeId, header.PacketClass, unchecked(header.Counter - info.Index));
}
