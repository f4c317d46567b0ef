using Elara.Fast.Primitives;

namespace Elara.Fast.State;

/// <summary>An entry of a per-node table kept sorted by node id.</summary>
internal interface INodeKeyed
{
    NodeId Node { get; }
}

/// <summary>Binary search over per-node tables (struct generic: specialised per entry type, no boxing).</summary>
internal static class NodeKeyed
{
    /// <summary>The index of <paramref name="node"/>, or the complement of where it would go.</summary>
    public static int IndexOf<T>(ReadOnlySpan<T> entries, NodeId node)
        where T : struct, INodeKeyed
    {
        int lo = 0, hi = entries.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var v = entries[mid].Node.Value;
            if (v == node.Value)
            {
                return mid;
            }

            if (v < node.Value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    /// <summary>Inserts <paramref name="entry"/> at <paramref name="index"/>, doubling the array when it is full.</summary>
    public static void Insert<T>(ref T[] entries, ref int count, int index, T entry)
    {
        if (count == entries.Length)
        {
            Array.Resize(ref entries, entries.Length * 2);
        }

        entries.AsSpan(index, count - index).CopyTo(entries.AsSpan(index + 1));
        entries[index] = entry;
        count++;
    }
}
