using System.Net;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Ring;
using Elara.Fast.Transport;

namespace Elara.Fast.Runtime;

/// <summary>Which implementation of the network seam a node binds.</summary>
public enum NodeTransportMode
{
    /// <summary>recvmmsg/sendmmsg on Linux when available, portable sockets otherwise.</summary>
    Automatic = 0,

    /// <summary>Portable sockets (a blocking receive thread per socket).</summary>
    Portable = 1,

    /// <summary>Linux recvmmsg/sendmmsg; creating the node fails where they are unavailable.</summary>
    LinuxKernelBatch = 2,
}

/// <summary>How the node's stage threads wait for work: the trade between idle CPU and hand-off latency (docs/ring.md).</summary>
public enum NodeWaitStrategy
{
    /// <summary>Spin, yield, then park (the default): under 1 % of a core when idle, one wake-up after a quiet spell.</summary>
    Backoff = 0,

    /// <summary>Busy-spin: the lowest latency, a whole core per stage forever. An explicit opt-in.</summary>
    BusySpin = 1,

    /// <summary>Yield between checks: near-spin latency, a full core when idle unless other threads want it.</summary>
    Yielding = 2,

    /// <summary>Block on a monitor: no idle CPU, a wake-up for every hand-off after a quiet spell.</summary>
    Blocking = 3,
}

/// <summary>
/// Everything a <see cref="Node"/> needs; every field does real work and the defaults work.
/// <see cref="Validate"/> lists every problem, one clear message each.
/// </summary>
public sealed record NodeConfig
{
    /// <summary>
    /// The node's id. It is always derived from the identity (the fingerprint of its Ed25519 key); when set, it is
    /// checked against the identity and a mismatch is a configuration error.
    /// </summary>
    public NodeId? NodeId { get; init; }

    /// <summary>The identity to use (kept in memory, not owned by the node). Null: <see cref="IdentityPath"/>, else a fresh one.</summary>
    public NodeIdentity? Identity { get; init; }

    /// <summary>An identity file written by <c>elara keygen</c> (<see cref="NodeIdentity.Load"/>); used when <see cref="Identity"/> is null.</summary>
    public string? IdentityPath { get; init; }

    /// <summary>Where to bind the UDP socket; port 0 picks a free port. Default <c>0.0.0.0:0</c>.</summary>
    public IPEndPoint BindAddress { get; init; } = new(IPAddress.Any, 0);

    /// <summary>The most peer links (one per remote node and session) the node keeps; a handshake past it is refused with a reason the other side sees.</summary>
    public int MaxPeers { get; init; } = 64;

    /// <summary>Entries (and pinned 1500-byte slots) of the ingress ring: a power of two. The egress ring has the same size.</summary>
    public int EventBufferSize { get; init; } = 4096;

    /// <summary>
    /// Seed of every random choice the node makes that is not a secret (session ids, retransmission and keepalive
    /// jitter, loss-concealment predictors), so a run is reproducible. Keys and handshake indices always come from
    /// the system's cryptographic generator.
    /// </summary>
    public ulong PredictionEntropy { get; init; } = 0x454C415241; // "ELARA"

    /// <summary>Thresholds and hysteresis of the degradation controller.</summary>
    public DegradationConfig Degradation { get; init; } = new();

    /// <summary>Which socket implementation to bind (ignored when <see cref="TransportFactory"/> is set).</summary>
    public NodeTransportMode Transport { get; init; } = NodeTransportMode.Automatic;

    /// <summary>
    /// Makes the node's transport instead of binding a socket: an in-memory network endpoint in tests, a recording
    /// or fault-injecting wrapper in the replay harness. It receives <see cref="BindAddress"/>; the node owns and
    /// disposes the result.
    /// </summary>
    public Func<IPEndPoint, IDatagramTransport>? TransportFactory { get; init; }

    /// <summary>How the stage threads wait for work.</summary>
    public NodeWaitStrategy WaitStrategy { get; init; } = NodeWaitStrategy.Backoff;

    /// <summary>STUN servers the node may ask for its public address (<see cref="Node.QueryPublicEndPointAsync"/>).</summary>
    public IReadOnlyList<IPEndPoint> StunServers { get; init; } = [];

    /// <summary>How long a join waits for the handshake and the session's answer before it fails.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A peer heard from for no longer than this is timed out and its participant removed.</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each link sends a TimeSync request, which is also its keepalive.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the timer posts a tick into the ingress ring (retransmissions, timeouts, degradation).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Largest accepted |time hint| of a received frame; a frame claiming an event time further from the sender's clock is dropped.</summary>
    public TimeSpan MaxTimeHint { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A typing indicator not renewed or stopped within this expires (swept on ticks, no timer per indicator).</summary>
    public TimeSpan TypingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most items a session's feed keeps; past it the oldest are evicted (counted).</summary>
    public int FeedMaxItems { get; init; } = 10_000;

    /// <summary>Most bytes a session's feed accounts for (text, reactions and a fixed 64 per item); past it the oldest are evicted.</summary>
    public long FeedMaxBytes { get; init; } = 8L << 20;

    /// <summary>Most feed changes waiting for one slow follower before it is closed with <see cref="Sessions.FeedReaderTooSlowException"/>.</summary>
    public int FeedFollowerBacklog { get; init; } = 4096;

    /// <summary>The clock of every timer and timestamp (a <c>FakeTimeProvider</c> in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Every problem with this configuration, one message each; empty when the node can start.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (BindAddress is null)
        {
            problems.Add($"{nameof(BindAddress)} is required (use 0.0.0.0:0 for any address and a free port).");
        }

        if (MaxPeers is < 1 or > 65536)
        {
            problems.Add($"{nameof(MaxPeers)} must be between 1 and 65536; it is {MaxPeers}.");
        }

        if (EventBufferSize < 64 || EventBufferSize > (1 << 20) || !System.Numerics.BitOperations.IsPow2(EventBufferSize))
        {
            problems.Add($"{nameof(EventBufferSize)} must be a power of two between 64 and 1048576; it is {EventBufferSize}.");
        }

        if (Identity is null && IdentityPath is { } path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                problems.Add($"{nameof(IdentityPath)} is empty.");
            }
            else if (!File.Exists(path))
            {
                problems.Add($"{nameof(IdentityPath)} '{path}' does not exist (create one with `elara keygen --out {path}`).");
            }
        }

        if (NodeId is { } id && Identity is { } identity && identity.NodeId != id)
        {
            problems.Add($"{nameof(NodeId)} {id} does not match the identity's node id {identity.NodeId} (a node id is derived from the identity key).");
        }

        if (NodeId is { Value: 0 })
        {
            problems.Add($"{nameof(NodeId)} must not be zero.");
        }

        if (TypingTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(TypingTimeout)} must be positive; it is {TypingTimeout}.");
        }

        if (FeedMaxItems < 1)
        {
            problems.Add($"{nameof(FeedMaxItems)} must be at least 1; it is {FeedMaxItems}.");
        }

        if (FeedMaxBytes < 4096)
        {
            problems.Add($"{nameof(FeedMaxBytes)} must be at least 4096; it is {FeedMaxBytes}.");
        }

        if (FeedFollowerBacklog < 1)
        {
            problems.Add($"{nameof(FeedFollowerBacklog)} must be at least 1; it is {FeedFollowerBacklog}.");
        }

        if (Degradation is null)
        {
            problems.Add($"{nameof(Degradation)} is required.");
        }
        else
        {
            problems.AddRange(Degradation.Validate());
        }

        if (!Enum.IsDefined(Transport))
        {
            problems.Add($"{nameof(Transport)} {(int)Transport} is not a known transport mode.");
        }

        if (!Enum.IsDefined(WaitStrategy))
        {
            problems.Add($"{nameof(WaitStrategy)} {(int)WaitStrategy} is not a known wait strategy.");
        }

        if (StunServers is null)
        {
            problems.Add($"{nameof(StunServers)} must not be null (leave it empty for none).");
        }

        CheckPositive(problems, nameof(JoinTimeout), JoinTimeout);
        CheckPositive(problems, nameof(PeerTimeout), PeerTimeout);
        CheckPositive(problems, nameof(KeepaliveInterval), KeepaliveInterval);
        CheckPositive(problems, nameof(MaxTimeHint), MaxTimeHint);
        if (TickInterval < TimeSpan.FromMilliseconds(1) || TickInterval > TimeSpan.FromSeconds(1))
        {
            problems.Add($"{nameof(TickInterval)} must be between 1 ms and 1 s; it is {TickInterval}.");
        }

        if (KeepaliveInterval > TimeSpan.Zero && PeerTimeout > TimeSpan.Zero && PeerTimeout < KeepaliveInterval * 3)
        {
            problems.Add($"{nameof(PeerTimeout)} ({PeerTimeout}) must be at least three {nameof(KeepaliveInterval)}s ({KeepaliveInterval * 3}), or live peers time out.");
        }

        if (TimeProvider is null)
        {
            problems.Add($"{nameof(TimeProvider)} is required.");
        }

        return problems;
    }

    private static void CheckPositive(List<string> problems, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{name} must be positive; it is {value}.");
        }
    }

    internal IWaitStrategy CreateWaitStrategy() => WaitStrategy switch
    {
        NodeWaitStrategy.BusySpin => new BusySpinWaitStrategy(),
        NodeWaitStrategy.Yielding => new YieldingWaitStrategy(),
        NodeWaitStrategy.Blocking => new BlockingWaitStrategy(),
        _ => new BackoffWaitStrategy(),
    };
}
