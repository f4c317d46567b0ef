using System.Runtime.InteropServices;

namespace Elara.Fast.Transport;

/// <summary>
/// The ring entry that describes one received datagram; its bytes live in the slab slot of the same sequence.
/// </summary>
/// <remarks>
/// A transport claims a range of sequences before it receives, so a batch call may leave claimed entries
/// unused (fewer datagrams than slots, a drop, an error). Those are published with <see cref="Length"/> 0 and
/// consumers skip them (<see cref="IsEmpty"/>).
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct ReceivedDatagram
{
    /// <summary>Bytes of the datagram in its slot; 0 marks an empty entry that consumers skip.</summary>
    public int Length;

    /// <summary>What the first bytes say the datagram carries (<see cref="DatagramClassifier"/>).</summary>
    public DatagramKind Kind;

    /// <summary>Which socket of a <c>SO_REUSEPORT</c> group received it (0 with one socket).</summary>
    public byte SocketIndex;

    /// <summary>Arrival time, <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> units of the transport's clock.</summary>
    public long Timestamp;

    /// <summary>The sender, as the operating system wrote it.</summary>
    public RawSocketAddress Source;

    /// <summary>True for a claimed entry that holds no datagram.</summary>
    public readonly bool IsEmpty => Length == 0;
}
