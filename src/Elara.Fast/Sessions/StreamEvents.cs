using System.Buffers.Binary;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Sessions;

/// <summary>Limits on what one stream event may carry; longer items are refused on both sides.</summary>
public static class StreamLimits
{
    /// <summary>Most UTF-8 bytes of one text message (a Core message holds it with its header and a reply reference).</summary>
    public const int MaxTextBytes = 1000;

    /// <summary>Most UTF-8 bytes of a reaction key.</summary>
    public const int MaxReactionKeyBytes = 32;

    /// <summary>Most UTF-8 bytes of a presence status text.</summary>
    public const int MaxStatusBytes = 256;

    /// <summary>Most bytes of event blocks in one reliable message (a frame's payload less the 20-byte delivery header).</summary>
    internal const int MaxMessage = FrameLayout.MaxPayload - 20;
}

/// <summary>Why a stream event was refused (the node counts each as the <c>NodeDropReason</c> of the same name).</summary>
internal enum StreamRefusal : byte
{
    UnknownStream,
    StreamEventInvalid,
    NotAuthor,
    UnknownMessage,
    ItemTooLarge,
    DuplicateItem,
}

/// <summary>
/// The bodies of the stream events (all in a <see cref="Mutation.Set"/> of a block whose state id is the stream id;
/// little endian). docs/streams.md draws them.
/// </summary>
internal static class StreamEvents
{
    public const int TextAppendHeader = 8 + 8 + 8 + 8;           // id, time ms, reply author, reply id
    public const int TextEditHeader = 8 + 8 + 8 + 8;             // author, id, time ms, edit id
    public const int TextDeleteSize = 8 + 8 + 8;                 // author, id, time ms
    public const int TextReactHeader = 8 + 8 + 1;                // target author, target id, op
    public const int PresenceHeader = 1 + 8 + 8;                 // availability, time ms, counter
    public const int FeedAppendHeader = 8 + 8 + 8 + 8 + 8 + 1 + 8 + 8 + 4 + 2; // author, id, time, reply author, reply id, flags, edit time, edit id, stream, text length

    public static WireStatus WriteStreamStart(ref EventBlockWriter writer, StreamId stream, StreamKind kind)
    {
        Span<byte> body = [(byte)kind];
        return writer.TryAppend(EventType.StreamStart, new StateId(stream.Value), default, Mutation.Set(body));
    }

    public static WireStatus WriteStreamEnd(ref EventBlockWriter writer, StreamId stream)
        => writer.TryAppend(EventType.StreamEnd, new StateId(stream.Value), default, Mutation.Set(default));

    public static WireStatus WriteTextAppend(ref EventBlockWriter writer, StreamId stream, MessageId id, long timeMs, MessageRef? replyTo, ReadOnlySpan<byte> text)
    {
        Span<byte> body = stackalloc byte[TextAppendHeader + text.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(body, id.Value);
        BinaryPrimitives.WriteInt64LittleEndian(body[8..], timeMs);
        BinaryPrimitives.WriteUInt64LittleEndian(body[16..], replyTo?.Author.Value ?? 0);
        BinaryPrimitives.WriteUInt64LittleEndian(body[24..], replyTo?.Id.Value ?? 0);
        text.CopyTo(body[TextAppendHeader..]);
        return writer.TryAppend(EventType.TextAppend, new StateId(stream.Value), default, Mutation.Set(body));
    }

    public static WireStatus WriteTextEdit(ref EventBlockWriter writer, StreamId stream, MessageRef message, long timeMs, ulong editId, ReadOnlySpan<byte> text)
    {
        Span<byte> body = stackalloc byte[TextEditHeader + text.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(body, message.Author.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(body[8..], message.Id.Value);
        BinaryPrimitives.WriteInt64LittleEndian(body[16..], timeMs);
        BinaryPrimitives.WriteUInt64LittleEndian(body[24..], editId);
        text.CopyTo(body[TextEditHeader..]);
        return writer.TryAppend(EventType.TextEdit, new StateId(stream.Value), default, Mutation.Set(body));
    }

    public static WireStatus WriteTextDelete(ref EventBlockWriter writer, StreamId stream, MessageRef message, long timeMs)
    {
        Span<byte> body = stackalloc byte[TextDeleteSize];
        BinaryPrimitives.WriteUInt64LittleEndian(body, message.Author.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(body[8..], message.Id.Value);
        BinaryPrimitives.WriteInt64LittleEndian(body[16..], timeMs);
        return writer.TryAppend(EventType.TextDelete, new StateId(stream.Value), default, Mutation.Set(body));
    }

    public static WireStatus WriteTextReact(ref EventBlockWriter writer, StreamId stream, MessageRef target, bool add, ReadOnlySpan<byte> key)
    {
        Span<byte> body = stackalloc byte[TextReactHeader + key.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(body, target.Author.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(body[8..], target.Id.Value);
        body[16] = add ? (byte)1 : (byte)0;
        key.CopyTo(body[TextReactHeader..]);
        return writer.TryAppend(EventType.TextReact, new StateId(stream.Value), default, Mutation.Set(body));
    }

    public static WireStatus WriteTyping(ref EventBlockWriter writer, StreamId stream, bool typing)
        => writer.TryAppend(typing ? EventType.TypingStart : EventType.TypingStop, new StateId(stream.Value), default, Mutation.Set(default));

    public static WireStatus WritePresence(ref EventBlockWriter writer, Availability availability, long timeMs, ulong counter, ReadOnlySpan<byte> status)
    {
        Span<byte> body = stackalloc byte[PresenceHeader + status.Length];
        body[0] = (byte)availability;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], timeMs);
        BinaryPrimitives.WriteUInt64LittleEndian(body[9..], counter);
        status.CopyTo(body[PresenceHeader..]);
        return writer.TryAppend(EventType.PresenceUpdate, default, default, Mutation.Set(body));
    }

    /// <summary>A history item (FeedAppend): a text message as it stands now, with its reactions, for a late joiner.</summary>
    public static int FeedAppendLength(FeedRecord record)
    {
        var length = FeedAppendHeader + record.Text.Length + 1;
        if (record.Reactions is { } reactions)
        {
            foreach (var (_, key) in reactions)
            {
                length += 8 + 1 + key.Length;
            }
        }

        return length;
    }

    public static WireStatus WriteFeedAppend(ref EventBlockWriter writer, FeedRecord record)
    {
        var reactions = record.Reactions;
        var count = Math.Min(reactions?.Count ?? 0, 255);
        var length = FeedAppendLength(record);
        if (EventBlock.EncodedLength(0, Mutation.EncodedLengthOf(MutationKind.Set, length)) > writer.Remaining)
        {
            return WireStatus.DestinationTooSmall;
        }

        Span<byte> body = stackalloc byte[length];
        BinaryPrimitives.WriteUInt64LittleEndian(body, record.Message.Author.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(body[8..], record.Message.Id.Value);
        BinaryPrimitives.WriteInt64LittleEndian(body[16..], record.TimeMs);
        BinaryPrimitives.WriteUInt64LittleEndian(body[24..], record.ReplyTo?.Author.Value ?? 0);
        BinaryPrimitives.WriteUInt64LittleEndian(body[32..], record.ReplyTo?.Id.Value ?? 0);
        body[40] = (byte)((record.Edited ? 1 : 0) | (record.Deleted ? 2 : 0));
        BinaryPrimitives.WriteInt64LittleEndian(body[41..], record.EditTimeMs);
        BinaryPrimitives.WriteUInt64LittleEndian(body[49..], record.EditId);
        BinaryPrimitives.WriteUInt32LittleEndian(body[57..], record.Stream.Value);
        BinaryPrimitives.WriteUInt16LittleEndian(body[61..], (ushort)record.Text.Length);
        record.Text.CopyTo(body[FeedAppendHeader..]);
        var offset = FeedAppendHeader + record.Text.Length;
        body[offset++] = (byte)count;
        for (var i = 0; i < count; i++)
        {
            var (reactor, key) = reactions![i];
            BinaryPrimitives.WriteUInt64LittleEndian(body[offset..], reactor.Value);
            body[offset + 8] = (byte)key.Length;
            key.CopyTo(body[(offset + 9)..]);
            offset += 9 + key.Length;
        }

        return writer.TryAppend(EventType.FeedAppend, new StateId(record.Stream.Value), default, Mutation.Set(body[..offset]));
    }
}
