using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>One version-vector entry of an event block: a node and its counter (16 bytes on the wire, u64 · u64).</summary>
/// <param name="Node">The node.</param>
/// <param name="Counter">How many events of that node the sender has seen.</param>
public readonly record struct VersionVectorEntry(NodeId Node, ulong Counter)
{
    /// <summary>Bytes one entry takes on the wire.</summary>
    public const int Size = 16;
}
