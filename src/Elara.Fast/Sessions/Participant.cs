using System.Net;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Transport;

namespace Elara.Fast.Sessions;

/// <summary>
/// Another node in a session, as this node sees it: its address, identity and the health of the link to it.
/// </summary>
/// <remarks>
/// The Apply stage updates the figures; any thread may read them (each is one aligned word: a reading is a recent
/// value, never a torn one). The address is swapped as a whole object when the peer roams.
/// </remarks>
public sealed class Participant
{
    private readonly byte[] _identityKey;
    private readonly byte[] _staticKey;
    private AddressHolder _address;
    private long _roundTripTicks;
    private long _jitterTicks;
    private long _lossPpm;
    private long _lastSeenTimestamp;
    private int _level;

    internal Participant(NodeId nodeId, RawSocketAddress address, ReadOnlySpan<byte> identityKey, ReadOnlySpan<byte> staticKey, SecureChannel channel, long now)
    {
        NodeId = nodeId;
        _identityKey = identityKey.ToArray();
        _staticKey = staticKey.ToArray();
        _address = new AddressHolder(address);
        Channel = channel;
        _lastSeenTimestamp = now;
    }

    /// <summary>The participant's node id (the fingerprint of its identity key).</summary>
    public NodeId NodeId { get; }

    /// <summary>Where its frames come from now (follows it when it roams).</summary>
    public IPEndPoint? EndPoint => Volatile.Read(ref _address).EndPoint;

    /// <summary>Its Ed25519 identity public key, verified during the handshake.</summary>
    public ReadOnlyMemory<byte> IdentityKey => _identityKey;

    /// <summary>Its Noise static (X25519) public key: what another node needs to reach it with IK.</summary>
    public ReadOnlyMemory<byte> StaticKey => _staticKey;

    /// <summary>The last measured round-trip time (TimeSync), zero before the first sample.</summary>
    public TimeSpan RoundTrip => TimeSpan.FromTicks(Volatile.Read(ref _roundTripTicks));

    /// <summary>Interarrival jitter of its frames (RFC 3550 style).</summary>
    public TimeSpan Jitter => TimeSpan.FromTicks(Volatile.Read(ref _jitterTicks));

    /// <summary>The fraction of its frames lost over the last measurement interval (0–1).</summary>
    public double Loss => Volatile.Read(ref _lossPpm) / 1e6;

    /// <summary>The degradation level of the link to it.</summary>
    public DegradationLevel Level => (DegradationLevel)Volatile.Read(ref _level);

    /// <summary>When a frame from it last authenticated, in <see cref="TimeProvider.GetTimestamp"/> units of the node's clock.</summary>
    public long LastSeenTimestamp => Volatile.Read(ref _lastSeenTimestamp);

    /// <summary>The channel that seals frames to it and opens its frames (Seal on the Transmit thread, Open on the Apply thread).</summary>
    internal SecureChannel Channel { get; set; }

    /// <summary>The raw address frames to it go to.</summary>
    internal RawSocketAddress Address => Volatile.Read(ref _address).Raw;

    internal void MoveTo(RawSocketAddress address) => Volatile.Write(ref _address, new AddressHolder(address));

    internal void Seen(long now) => Volatile.Write(ref _lastSeenTimestamp, now);

    internal void SetRoundTrip(long ticks) => Volatile.Write(ref _roundTripTicks, ticks);

    internal void SetJitter(long ticks) => Volatile.Write(ref _jitterTicks, ticks);

    internal void SetLoss(double loss) => Volatile.Write(ref _lossPpm, (long)(Math.Clamp(loss, 0, 1) * 1e6));

    internal void SetLevel(DegradationLevel level) => Volatile.Write(ref _level, (int)level);

    /// <inheritdoc/>
    public override string ToString() => $"{NodeId} at {EndPoint}";

    /// <summary>An address and its endpoint, replaced whole so readers on other threads never see half of one.</summary>
    private sealed class AddressHolder(RawSocketAddress raw)
    {
        public RawSocketAddress Raw { get; } = raw;

        public IPEndPoint? EndPoint { get; } = raw.ToEndPoint();
    }
}
