using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.State;

/// <summary>
/// Last-writer-wins register. A write is stamped (τs, writer node, writer's event counter); the greatest stamp
/// wins, compared in that order. τs orders writes in session time, the node id breaks ties between nodes, and
/// the counter between two writes of one node in one tick, so no two distinct writes compare equal and the join
/// (keep the greater) is a semilattice.
/// </summary>
/// <remarks>Encoding: τs i64 · writer u64 · counter u64 · length u16 · value (writer 0: never written).</remarks>
internal sealed class LwwRegister : AtomValue
{
    /// <summary>Bytes of the encoding besides the value.</summary>
    public const int Overhead = 8 + 8 + 8 + 2;

    private byte[] _value = new byte[64];
    private int _length;

    public override CrdtKind Kind => CrdtKind.LwwRegister;

    public long Timestamp { get; private set; }

    public NodeId Writer { get; private set; }

    public ulong Counter { get; private set; }

    public ReadOnlySpan<byte> Value => _value.AsSpan(0, _length);

    public override int EncodedLength => Overhead + _length;

    /// <summary>True when a write stamped so would replace the current one.</summary>
    public bool Wins(long timestamp, NodeId writer, ulong counter)
        => timestamp != Timestamp ? timestamp > Timestamp
            : writer != Writer ? writer > Writer
            : counter > Counter;

    /// <summary>Takes the write if its stamp wins; true when it did.</summary>
    public bool Offer(long timestamp, NodeId writer, ulong counter, ReadOnlySpan<byte> value)
    {
        if (!Wins(timestamp, writer, counter))
        {
            return false;
        }

        if (value.Length > _value.Length)
        {
            _value = new byte[Math.Max(value.Length, _value.Length * 2)];
        }

        value.CopyTo(_value);
        _length = value.Length;
        Timestamp = timestamp;
        Writer = writer;
        Counter = counter;
        return true;
    }

    public override void Clear()
    {
        _length = 0;
        Timestamp = 0;
        Writer = NodeId.None;
        Counter = 0;
    }

    public override void CopyFrom(AtomValue other)
    {
        var o = (LwwRegister)other;
        Clear();
        Offer(o.Timestamp, o.Writer, o.Counter, o.Value);
    }

    public override void Join(AtomValue other, ReadOnlySpan<VersionVectorEntry> mine, ReadOnlySpan<VersionVectorEntry> theirs)
    {
        var o = (LwwRegister)other;
        Offer(o.Timestamp, o.Writer, o.Counter, o.Value);
    }

    public override bool TryRead(ReadOnlySpan<byte> body)
    {
        Clear();
        var reader = new BodyReader(body);
        var timestamp = reader.ReadInt64();
        var writer = new NodeId(reader.ReadUInt64());
        var counter = reader.ReadUInt64();
        var value = reader.ReadBytes(reader.ReadUInt16());
        if (!reader.IsCompleteAndValid || (writer == NodeId.None && (counter != 0 || timestamp != 0 || !value.IsEmpty)))
        {
            return false;
        }

        Offer(timestamp, writer, counter, value);
        return true;
    }

    public override void Write(Span<byte> destination)
    {
        var writer = new BodyWriter(destination);
        writer.WriteInt64(Timestamp);
        writer.WriteUInt64(Writer.Value);
        writer.WriteUInt64(Counter);
        writer.WriteUInt16((ushort)_length);
        writer.WriteBytes(Value);
    }

    public override int RemoveUnauthorized(AuthoritySet authority, NodeId owner)
    {
        if (Writer == NodeId.None || authority.MayHaveContributed(Writer, owner))
        {
            return 0;
        }

        Clear();
        return 1;
    }
}
