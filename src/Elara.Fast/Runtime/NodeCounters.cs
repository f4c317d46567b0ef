using Elara.Fast.Primitives;

namespace Elara.Fast.Runtime;

/// <summary>
/// Everything a node counts, readable from any thread. Most counters have one writer (the Apply thread) and are
/// incremented with plain adds; readers use Volatile.Read and see a recent value (64-bit
/// reads are atomic on the 64-bit runtimes we support). Counters written by application threads use Interlocked.
/// </summary>
public sealed class NodeCounters
{
    private const int Classes = 5;
    private static readonly int Reasons = Enum.GetValues<NodeDropReason>().Length;

    internal readonly long[] FramesIn = new long[Classes];
    internal readonly long[] FramesOut = new long[Classes];
    internal readonly long[] Drops = new long[Classes * Reasons];
    internal readonly long[] HandshakeOutcomes = new long[4];
    internal long DatagramsIn;
    internal long CoreDelivered;
    internal long CoreDuplicates;
    internal long CoreRetransmissions;
    internal long CoreRefused;
    internal long Roams;
    internal long Rekeys;
    internal long Timeouts;
    internal long Refusals;
    internal long LevelChanges;
    internal long EgressRingFull;
    internal long HandlerFaults;
    internal long SendShed;

    /// <summary>Frames received and authenticated, of <paramref name="packetClass"/>.</summary>
    public long GetFramesIn(PacketClass packetClass) => Volatile.Read(ref FramesIn[(int)packetClass]);

    /// <summary>Frames handed to the egress ring, of <paramref name="packetClass"/>.</summary>
    public long GetFramesOut(PacketClass packetClass) => Volatile.Read(ref FramesOut[(int)packetClass]);

    /// <summary>Frames of <paramref name="packetClass"/> dropped for <paramref name="reason"/> (class Core for datagrams whose class is unknown).</summary>
    public long GetDropped(PacketClass packetClass, NodeDropReason reason) => Volatile.Read(ref Drops[((int)packetClass * Reasons) + (int)reason]);

    /// <summary>Frames dropped for <paramref name="reason"/>, all classes.</summary>
    public long GetDropped(NodeDropReason reason)
    {
        long sum = 0;
        for (var c = 0; c < Classes; c++)
        {
            sum += Volatile.Read(ref Drops[(c * Reasons) + (int)reason]);
        }

        return sum;
    }

    /// <summary>Every drop, all classes and reasons.</summary>
    public long DroppedTotal
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < Drops.Length; i++)
            {
                sum += Volatile.Read(ref Drops[i]);
            }

            return sum;
        }
    }

    /// <summary>Handshakes by outcome: completed as initiator, completed as responder, failed, rejected messages.</summary>
    public long GetHandshakes(HandshakeOutcome outcome) => Volatile.Read(ref HandshakeOutcomes[(int)outcome]);

    /// <summary>Datagrams the pipeline took from the ingress ring (not counting the node's own control entries).</summary>
    public long Datagrams => Volatile.Read(ref DatagramsIn);

    /// <summary>Reliable Core messages delivered to this node, exactly once each.</summary>
    public long CoreMessagesDelivered => Volatile.Read(ref CoreDelivered);

    /// <summary>Reliable Core messages that arrived again and were not delivered again.</summary>
    public long CoreMessagesDuplicate => Volatile.Read(ref CoreDuplicates);

    /// <summary>Reliable Core messages this node sent again because no acknowledgement came in time.</summary>
    public long CoreMessagesRetransmitted => Volatile.Read(ref CoreRetransmissions);

    /// <summary>Reliable Core messages refused because a peer's window and overflow queue were full.</summary>
    public long CoreMessagesRefused => Interlocked.Read(ref CoreRefused);

    /// <summary>Peers that moved to a new address mid-session.</summary>
    public long PeerRoams => Volatile.Read(ref Roams);

    /// <summary>Links whose keys a new handshake replaced.</summary>
    public long LinkRekeys => Volatile.Read(ref Rekeys);

    /// <summary>Participants removed because they fell silent.</summary>
    public long PeerTimeouts => Volatile.Read(ref Timeouts);

    /// <summary>Joins refused (by this node or by the other side).</summary>
    public long JoinRefusals => Volatile.Read(ref Refusals);

    /// <summary>Changes of the node's or a link's degradation level.</summary>
    public long DegradationChanges => Volatile.Read(ref LevelChanges);

    /// <summary>Frames not sent because the egress ring was full.</summary>
    public long EgressFull => Interlocked.Read(ref EgressRingFull);

    /// <summary>Frames not sent to a peer because its link's degradation level sheds their class.</summary>
    public long SendsShed => Interlocked.Read(ref SendShed);

    /// <summary>Exceptions thrown by the embedder's frame handler (caught, counted and logged; the loop goes on).</summary>
    public long FrameHandlerFaults => Volatile.Read(ref HandlerFaults);

    internal void Drop(PacketClass packetClass, NodeDropReason reason) => Drops[((int)packetClass * Reasons) + (int)reason]++;

    internal static int ReasonCount => Reasons;
}

/// <summary>How a handshake ended, for <see cref="NodeCounters.GetHandshakes"/>.</summary>
public enum HandshakeOutcome
{
    /// <summary>Completed, this node initiating.</summary>
    InitiatorCompleted = 0,

    /// <summary>Completed, this node responding.</summary>
    ResponderCompleted = 1,

    /// <summary>An initiation of ours got no valid answer.</summary>
    Failed = 2,

    /// <summary>A handshake message refused (forged, replayed, rate-limited, answered with a cookie).</summary>
    Rejected = 3,
}
