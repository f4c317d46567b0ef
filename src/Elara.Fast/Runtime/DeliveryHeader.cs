using System.Buffers.Binary;

namespace Elara.Fast.Runtime;

/// <summary>
/// The 20 bytes that open the (decrypted) payload of every Core data frame, before its event blocks
/// (docs/node.md, "Core delivery"):
/// <code>
/// 0  4  sender incarnation   (u32 LE) the sender's stream to this peer; a new one restarts sequences at 1
/// 4  4  sequence             (u32 LE) 1, 2, 3 … per (session, sender → receiver); 0: not reliable (acks, TimeSync)
/// 8  4  ack incarnation      (u32 LE) which of the receiver's streams the ack fields speak of
/// 12 4  ack                  (u32 LE) every message up to this one arrived
/// 16 4  ack bits             (u32 LE) bit i: message ack + 2 + i arrived too (selective acknowledgement)
/// </code>
/// It sits inside the ciphertext, so it is authenticated and hidden like the events.
/// </summary>
internal readonly struct DeliveryHeader
{
    public const int Size = 20;

    public DeliveryHeader(uint incarnation, uint sequence, uint ackIncarnation, uint ack, uint ackBits)
    {
        Incarnation = incarnation;
        Sequence = sequence;
        AckIncarnation = ackIncarnation;
        Ack = ack;
        AckBits = ackBits;
    }

    public uint Incarnation { get; }

    public uint Sequence { get; }

    public uint AckIncarnation { get; }

    public uint Ack { get; }

    public uint AckBits { get; }

    public static bool TryRead(ReadOnlySpan<byte> payload, out DeliveryHeader header)
    {
        if (payload.Length < Size)
        {
            header = default;
            return false;
        }

        header = new DeliveryHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(payload),
            BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(payload[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(payload[16..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Incarnation);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], AckIncarnation);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Ack);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], AckBits);
    }
}
