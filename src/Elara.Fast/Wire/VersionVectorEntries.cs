using System.Buffers.Binary;
using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// The version vector of an event block, read in place: <see cref="Count"/> entries of 16 bytes
/// (node id u64 · counter u64, little-endian), sorted by node id. Validated by <see cref="EventBlockReader"/>.
/// </summary>
public readonly ref struct VersionVectorEntries
{
    private readonly ReadOnlySpan<byte> _bytes;

    internal VersionVectorEntries(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>Number of entries.</summary>
    public int Count => _bytes.Length / VersionVectorEntry.Size;

    /// <summary>The raw entry bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The entry at <paramref name="index"/>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    public VersionVectorEntry this[int index]
    {
        get
        {
            var entry = _bytes.Slice(index * VersionVectorEntry.Size, VersionVectorEntry.Size);
            return new VersionVectorEntry(
                new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(entry)),
                BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]));
        }
    }

    /// <summary>Lets <c>foreach</c> walk the entries.</summary>
    /// <returns>An enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>Walks the entries in order.</summary>
    public ref struct Enumerator
    {
        private readonly VersionVectorEntries _entries;
        private int _index;

        internal Enumerator(VersionVectorEntries entries)
        {
            _entries = entries;
            _index = -1;
        }

        /// <summary>The current entry.</summary>
        public readonly VersionVectorEntry Current => _entries[_index];

        /// <summary>Advances.</summary>
        /// <returns>False past the last entry.</returns>
        public bool MoveNext() => ++_index < _entries.Count;
    }
}
