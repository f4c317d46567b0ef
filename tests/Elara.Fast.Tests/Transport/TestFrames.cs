using System.Buffers.Binary;
using Elara.Fast.Transport;

namespace Elara.Fast.Tests.Transport;

/// <summary>Datagrams the ingress filter accepts as ELARA frames (version 0, ≥ 46 bytes, no STUN cookie), numbered.</summary>
internal static class TestFrames
{
    public static byte[] Create(int id, int size = 64)
    {
        var frame = new byte[size];
        Write(frame, id);
        return frame;
    }

    public static void Write(Span<byte> frame, int id)
    {
        frame.Clear();
        frame[0] = 0x00;                                           // version 0, suite 0
        BinaryPrimitives.WriteUInt16LittleEndian(frame[2..], 30);   // header length
        BinaryPrimitives.WriteInt32LittleEndian(frame[12..], id);   // inside the node id field
        for (var i = 30; i < frame.Length; i++)
        {
            frame[i] = (byte)(id + i);
        }
    }

    public static int IdOf(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadInt32LittleEndian(frame[12..]);
}

/// <summary>One datagram as a test saw it come out of the ring.</summary>
internal readonly record struct Arrival(int Id, int Length, RawSocketAddress Source, DatagramKind Kind, byte SocketIndex, bool BytesIntact);

/// <summary>Copies every datagram it is handed into a list (test code: allocation is fine here).</summary>
internal struct CollectingHandler(List<Arrival> arrivals) : IReceivedDatagramHandler
{
    public readonly void OnDatagram(ref ReceivedDatagram entry, ReadOnlySpan<byte> payload, long sequence)
    {
        var id = TestFrames.IdOf(payload);
        var expected = TestFrames.Create(id, payload.Length);
        arrivals.Add(new Arrival(id, entry.Length, entry.Source, entry.Kind, entry.SocketIndex, payload.SequenceEqual(expected)));
    }
}

/// <summary>Counts datagrams and bytes without allocating (for the zero-allocation tests).</summary>
internal struct CountingHandler : IReceivedDatagramHandler
{
    public long Count;
    public long Bytes;

    public void OnDatagram(ref ReceivedDatagram entry, ReadOnlySpan<byte> payload, long sequence)
    {
        Count++;
        Bytes += payload.Length;
    }
}
