using System.Buffers.Binary;

namespace Elara.Fast.Transport.Stun;

/// <summary>Walks the attributes of a message that <see cref="StunMessageReader.TryParse"/> accepted, in order.</summary>
public ref struct StunAttributeEnumerator
{
    private readonly ReadOnlySpan<byte> _message;
    private int _next;
    private StunAttribute _current;

    internal StunAttributeEnumerator(ReadOnlySpan<byte> message)
    {
        _message = message;
        _next = StunMessageReader.HeaderSize;
        _current = default;
    }

    /// <summary>The attribute the enumerator is on.</summary>
    public readonly StunAttribute Current => _current;

    /// <summary>Moves to the next attribute; false at the end.</summary>
    public bool MoveNext()
    {
        // The message was validated by TryParse, so every header and value fits.
        if (_next + 4 > _message.Length)
        {
            return false;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(_message.Slice(_next));
        int length = BinaryPrimitives.ReadUInt16BigEndian(_message.Slice(_next + 2));
        _current = new StunAttribute(type, _message.Slice(_next + 4, length), _next);
        _next += 4 + ((length + 3) & ~3);
        return true;
    }

    /// <summary>Returns itself, so a reader can be used in <c>foreach</c>.</summary>
    public readonly StunAttributeEnumerator GetEnumerator() => this;
}
