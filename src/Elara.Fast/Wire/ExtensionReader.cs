using System.Buffers.Binary;
using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// A zero-allocation enumerator over a TLV extension area (WIRE.md "Extensions"), validating as it goes.
/// Use it as <c>while (reader.MoveNext()) { var e = reader.Current; … }</c> (or <c>foreach</c>), then check
/// <see cref="Status"/>: the walk ends at the area's end or at the first fault, and <see cref="Offset"/> says
/// where (relative to the start of the area).
/// </summary>
/// <remarks>
/// Rules: <c>type | length | value</c> repeated; <see cref="ExtensionType.End"/> is one byte and must be the
/// last; a length running past the area is <see cref="WireStatus.ExtensionOverrun"/>; a known fixed-size type
/// with another length is <see cref="WireStatus.ExtensionLengthInvalid"/>; a swarm role above 4 or a
/// fragment index not below its total (or a total of 0) is <see cref="WireStatus.ValueOutOfRange"/>; a known
/// fixed-size type appearing twice is <see cref="WireStatus.DuplicateExtension"/> (two FragmentInfos or key
/// epochs would be ambiguous); unknown types are skipped by length; CausalityRef may repeat.
/// </remarks>
public ref struct ExtensionReader
{
    private readonly ReadOnlySpan<byte> _area;
    private int _position;
    private int _currentStart;
    private int _currentValueStart;
    private int _currentLength;
    private uint _seen;
    private ExtensionType _currentType;

    /// <summary>Starts a walk over <paramref name="extensionArea"/> (the bytes from 30 to the header length).</summary>
    /// <param name="extensionArea">The TLV bytes.</param>
    public ExtensionReader(ReadOnlySpan<byte> extensionArea)
    {
        _area = extensionArea;
        _position = 0;
        _currentStart = 0;
        _currentValueStart = 0;
        _currentLength = 0;
        _seen = 0;
        _currentType = 0;
        Status = WireStatus.Ok;
        Offset = 0;
    }

    /// <summary><see cref="WireStatus.Ok"/> while and after a clean walk; otherwise why the walk stopped.</summary>
    public WireStatus Status { get; private set; }

    /// <summary>Where the walk is, or stopped: the offset (from the area's start) of the next or offending byte.</summary>
    public int Offset { get; private set; }

    /// <summary>The extension found by the last successful <see cref="MoveNext"/>.</summary>
    public readonly Extension Current => new(_currentType, _area.Slice(_currentValueStart, _currentLength), _currentStart);

    /// <summary>Lets <c>foreach</c> walk the area (check <see cref="Status"/> on a copy kept outside if needed).</summary>
    /// <returns>This reader, from its current position.</returns>
    public readonly ExtensionReader GetEnumerator() => this;

    /// <summary>Advances to the next extension.</summary>
    /// <returns>True when <see cref="Current"/> holds one; false at the end or on a fault (see <see cref="Status"/>).</returns>
    public bool MoveNext()
    {
        if (Status != WireStatus.Ok || _position >= _area.Length)
        {
            return false;
        }

        var start = _position;
        var type = (ExtensionType)_area[start];
        if (type == ExtensionType.End)
        {
            _position = _area.Length;
            if (start + 1 != _area.Length)
            {
                return Fail(WireStatus.TrailingBytesAfterEnd, start + 1);
            }

            Offset = _area.Length;
            return false;
        }

        if (start + 2 > _area.Length)
        {
            return Fail(WireStatus.ExtensionOverrun, start + 1);
        }

        int length = _area[start + 1];
        if (length > _area.Length - start - 2)
        {
            return Fail(WireStatus.ExtensionOverrun, start + 1);
        }

        var expected = FixedLength(type);
        if (expected >= 0)
        {
            if (length != expected)
            {
                return Fail(WireStatus.ExtensionLengthInvalid, start + 1);
            }

            var bit = 1u << (int)type;
            if ((_seen & bit) != 0)
            {
                return Fail(WireStatus.DuplicateExtension, start);
            }

            _seen |= bit;
            if (!ValueInRange(type, _area.Slice(start + 2, length)))
            {
                return Fail(WireStatus.ValueOutOfRange, start + 2);
            }
        }

        _currentType = type;
        _currentStart = start;
        _currentValueStart = start + 2;
        _currentLength = length;
        _position = start + 2 + length;
        Offset = _position;
        return true;
    }

    /// <summary>Walks the rest of the area, checking every extension.</summary>
    /// <param name="hasFragmentInfo">True when a FragmentInfo extension was seen.</param>
    /// <returns>True when the whole area is valid; otherwise <see cref="Status"/> and <see cref="Offset"/> say why and where.</returns>
    public bool TryValidate(out bool hasFragmentInfo)
    {
        while (MoveNext())
        {
        }

        hasFragmentInfo = (_seen & (1u << (int)ExtensionType.FragmentInfo)) != 0;
        return Status == WireStatus.Ok;
    }

    /// <summary>Finds the first extension of <paramref name="type"/>, from the start of the area.</summary>
    /// <param name="type">The type to find.</param>
    /// <param name="extension">The extension when found.</param>
    /// <returns>True when found before the end of the area or a fault.</returns>
    public readonly bool TryFind(ExtensionType type, out Extension extension)
    {
        var walk = new ExtensionReader(_area);
        while (walk.MoveNext())
        {
            if (walk._currentType == type)
            {
                extension = walk.Current;
                return true;
            }
        }

        extension = default;
        return false;
    }

    /// <summary>The FragmentInfo extension, when present.</summary>
    /// <param name="value">The index and total.</param>
    /// <returns>True when present.</returns>
    public readonly bool TryGetFragmentInfo(out FragmentInfo value)
    {
        var found = TryFind(ExtensionType.FragmentInfo, out var e);
        value = found ? e.FragmentInfo : default;
        return found;
    }

    /// <summary>The KeyEpoch extension, when present.</summary>
    /// <param name="value">The epoch.</param>
    /// <returns>True when present.</returns>
    public readonly bool TryGetKeyEpoch(out ushort value)
    {
        var found = TryFind(ExtensionType.KeyEpoch, out var e);
        value = found ? e.KeyEpoch : default;
        return found;
    }

    /// <summary>The RelayHop extension, when present.</summary>
    /// <param name="value">The hop count.</param>
    /// <returns>True when present.</returns>
    public readonly bool TryGetRelayHop(out byte value)
    {
        var found = TryFind(ExtensionType.RelayHop, out var e);
        value = found ? e.RelayHop : default;
        return found;
    }

    /// <summary>The SwarmRole extension, when present.</summary>
    /// <param name="value">The role.</param>
    /// <returns>True when present.</returns>
    public readonly bool TryGetSwarmRole(out SwarmRole value)
    {
        var found = TryFind(ExtensionType.SwarmRole, out var e);
        value = found ? e.SwarmRole : default;
        return found;
    }

    /// <summary>The InterestMask extension, when present.</summary>
    /// <param name="value">The mask.</param>
    /// <returns>True when present.</returns>
    public readonly bool TryGetInterestMask(out ulong value)
    {
        var found = TryFind(ExtensionType.InterestMask, out var e);
        value = found ? e.InterestMask : default;
        return found;
    }

    /// <summary>The PathId extension, when present.</summary>
    /// <param name="value">The path id.</param>
    /// <returns>True when present.</returns>
    public readonly bool TryGetPathId(out ushort value)
    {
        var found = TryFind(ExtensionType.PathId, out var e);
        value = found ? e.PathId : default;
        return found;
    }

    /// <summary>The PriorityHint extension, when present.</summary>
    /// <param name="value">The hint.</param>
    /// <returns>True when present.</returns>
    public readonly bool TryGetPriorityHint(out byte value)
    {
        var found = TryFind(ExtensionType.PriorityHint, out var e);
        value = found ? e.PriorityHint : default;
        return found;
    }

    /// <summary>True for a type this codec knows (including <see cref="ExtensionType.End"/>).</summary>
    /// <param name="type">The type byte.</param>
    /// <returns>Whether the codec names it.</returns>
    public static bool IsKnown(ExtensionType type)
        => type is >= ExtensionType.RatchetId and <= ExtensionType.CausalityRef or ExtensionType.End;

    /// <summary>The value length a known fixed-size type must have; −1 for variable or unknown types.</summary>
    /// <param name="type">The type byte.</param>
    /// <returns>The fixed length, or −1.</returns>
    public static int FixedLength(ExtensionType type) => type switch
    {
        ExtensionType.RatchetId => 4,
        ExtensionType.KeyEpoch => 2,
        ExtensionType.SwarmRole => 1,
        ExtensionType.RelayHop => 1,
        ExtensionType.InterestMask => 8,
        ExtensionType.RedundancyGroup => 2,
        ExtensionType.CompressionHint => 1,
        ExtensionType.FragmentInfo => 4,
        ExtensionType.PathId => 2,
        ExtensionType.PriorityHint => 1,
        _ => -1,
    };

    private static bool ValueInRange(ExtensionType type, ReadOnlySpan<byte> value) => type switch
    {
        ExtensionType.SwarmRole => value[0] <= (byte)SwarmRole.Source,
        ExtensionType.FragmentInfo => BinaryPrimitives.ReadUInt16LittleEndian(value) < BinaryPrimitives.ReadUInt16LittleEndian(value[2..]),
        _ => true,
    };

    private bool Fail(WireStatus status, int offset)
    {
        Status = status;
        Offset = offset;
        _position = _area.Length;
        return false;
    }
}
