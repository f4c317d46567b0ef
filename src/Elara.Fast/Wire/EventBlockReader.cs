using System.Buffers.Binary;
using Elara.Fast.Primitives;

namespace Elara.Fast.Wire;

/// <summary>
/// A zero-allocation enumerator over the event blocks of a (decrypted) payload, validating each block as it
/// goes. Use <c>while (reader.MoveNext()) { var block = reader.Current; … }</c> (or <c>foreach</c>), then
/// check <see cref="Status"/>; <see cref="Offset"/> says where the walk stopped, relative to the payload.
/// </summary>
/// <remarks>
/// Refusals, each at the offset of the field at fault: a fixed part, version vector or delta cut short
/// (<see cref="WireStatus.BlockTruncated"/>); an undefined event type (<see cref="WireStatus.UnknownEventType"/>);
/// a vv length not a multiple of 16 (<see cref="WireStatus.VersionVectorLengthInvalid"/>); vv entries not
/// strictly ascending by node id (<see cref="WireStatus.VersionVectorUnsorted"/>); an undefined mutation tag
/// (<see cref="WireStatus.UnknownMutation"/>); a delta whose length disagrees with its mutation
/// (<see cref="WireStatus.MutationLengthInvalid"/>); a non-finite blend weight (<see cref="WireStatus.ValueOutOfRange"/>).
/// </remarks>
public ref struct EventBlockReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private int _position;
    private int _currentStart;
    private int _currentLength;
    private int _currentVectorLength;
    private Mutation _currentMutation;

    /// <summary>Starts a walk over <paramref name="payload"/>.</summary>
    /// <param name="payload">The plaintext payload (the bytes between the header and the tag, once opened).</param>
    public EventBlockReader(ReadOnlySpan<byte> payload)
    {
        _payload = payload;
        _position = 0;
        _currentStart = 0;
        _currentLength = 0;
        _currentVectorLength = 0;
        _currentMutation = default;
        Status = WireStatus.Ok;
        Offset = 0;
        Count = 0;
    }

    /// <summary><see cref="WireStatus.Ok"/> while and after a clean walk; otherwise why it stopped.</summary>
    public WireStatus Status { get; private set; }

    /// <summary>Offset (from the payload's start) of the next block, or of the fault.</summary>
    public int Offset { get; private set; }

    /// <summary>Blocks read so far.</summary>
    public int Count { get; private set; }

    /// <summary>The block found by the last successful <see cref="MoveNext"/>.</summary>
    public readonly EventBlock Current
    {
        get
        {
            // Validated and parsed by MoveNext; this only slices.
            var block = _payload.Slice(_currentStart, _currentLength);
            return new EventBlock(
                (EventType)block[0],
                new StateId(BinaryPrimitives.ReadUInt64LittleEndian(block[1..])),
                new VersionVectorEntries(block.Slice(11, _currentVectorLength)),
                _currentMutation,
                block,
                _currentStart);
        }
    }

    /// <summary>Lets <c>foreach</c> walk the blocks.</summary>
    /// <returns>This reader, from its current position.</returns>
    public readonly EventBlockReader GetEnumerator() => this;

    /// <summary>Advances to the next block.</summary>
    /// <returns>True when <see cref="Current"/> holds one; false at the end or on a fault (see <see cref="Status"/>).</returns>
    public bool MoveNext()
    {
        if (Status != WireStatus.Ok || _position >= _payload.Length)
        {
            return false;
        }

        var start = _position;
        var rest = _payload[start..];
        if (!EventTypes.IsDefined(rest[0]))
        {
            return Fail(WireStatus.UnknownEventType, start);
        }

        if (rest.Length < 11)
        {
            // Cut inside the state id (offset 1) or the version-vector length (offset 9).
            return Fail(WireStatus.BlockTruncated, start + (rest.Length < 9 ? 1 : 9));
        }

        int vvLength = BinaryPrimitives.ReadUInt16LittleEndian(rest[9..]);
        if ((vvLength & (VersionVectorEntry.Size - 1)) != 0)
        {
            return Fail(WireStatus.VersionVectorLengthInvalid, start + 9);
        }

        if (vvLength > rest.Length - 11)
        {
            return Fail(WireStatus.BlockTruncated, start + 9);
        }

        var entries = rest.Slice(11, vvLength);
        for (var i = VersionVectorEntry.Size; i < entries.Length; i += VersionVectorEntry.Size)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(entries[i..]) <= BinaryPrimitives.ReadUInt64LittleEndian(entries[(i - VersionVectorEntry.Size)..]))
            {
                return Fail(WireStatus.VersionVectorUnsorted, start + 11 + i);
            }
        }

        var deltaLengthAt = 11 + vvLength;
        if (rest.Length - deltaLengthAt < 2)
        {
            return Fail(WireStatus.BlockTruncated, start + deltaLengthAt);
        }

        int deltaLength = BinaryPrimitives.ReadUInt16LittleEndian(rest[deltaLengthAt..]);
        if (deltaLength > rest.Length - deltaLengthAt - 2)
        {
            return Fail(WireStatus.BlockTruncated, start + deltaLengthAt);
        }

        var deltaAt = deltaLengthAt + 2;
        var status = Mutation.TryParse(rest.Slice(deltaAt, deltaLength), out var mutation, out var faultAt);
        if (status != WireStatus.Ok)
        {
            return Fail(status, faultAt < 0 ? start + deltaLengthAt : start + deltaAt + faultAt);
        }

        _currentMutation = mutation;
        _currentVectorLength = vvLength;
        _currentStart = start;
        _currentLength = deltaAt + deltaLength;
        _position = start + _currentLength;
        Offset = _position;
        Count++;
        return true;
    }

    /// <summary>
    /// Validates a whole payload: at least one block, every block valid, nothing left over.
    /// </summary>
    /// <param name="payload">The plaintext payload.</param>
    /// <param name="blockCount">Blocks found (up to the fault).</param>
    /// <param name="status"><see cref="WireStatus.Ok"/>, <see cref="WireStatus.EmptyPayload"/> or the first block's fault.</param>
    /// <param name="offset">Where the walk stopped, relative to the payload.</param>
    /// <returns>True when the payload is a valid, non-empty list of blocks.</returns>
    public static bool TryValidate(ReadOnlySpan<byte> payload, out int blockCount, out WireStatus status, out int offset)
    {
        var reader = new EventBlockReader(payload);
        while (reader.MoveNext())
        {
        }

        blockCount = reader.Count;
        offset = reader.Offset;
        status = reader.Status == WireStatus.Ok && blockCount == 0 ? WireStatus.EmptyPayload : reader.Status;
        return status == WireStatus.Ok;
    }

    private bool Fail(WireStatus status, int offset)
    {
        Status = status;
        Offset = offset;
        _position = _payload.Length;
        return false;
    }
}
