using System.Security.Cryptography;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>What the responder did with one datagram: a reason (None on success), a datagram to send back to
/// the source (a Response or a cookie reply), and, when a handshake finished, its result.</summary>
internal readonly record struct HandshakeResponderOutcome(HandshakeRejectReason Reason, byte[]? Reply, HandshakeResult? Result);

/// <summary>
/// The responder side of ELARA's Noise handshakes (docs/handshake.md) for one node: answers IK and XX
/// initiations, finishes XX handshakes, and defends itself:
/// <list type="bullet">
/// <item>mac1 is checked before anything else (no DH for a sender that does not know our static key in IK);</item>
/// <item>a bounded table of half-open XX handshakes (oldest evicted when full, expired after a timeout);</item>
/// <item>a per-source token bucket and a global DH budget; under load (half-open table at its threshold, global
/// budget spent, or the source over its rate), an initiation without a valid mac2 gets a stateless cookie reply
/// and costs no Diffie-Hellman (WireGuard, device/cookie.go);</item>
/// <item>IK initiations carry a TAI64N timestamp that must grow per peer (replays are rejected).</item>
/// </list>
/// Every refusal is a <see cref="HandshakeRejectReason"/>, counted; nothing throws on hostile input.
/// </summary>
/// <remarks>
/// Thread-safe: one lock around each datagram (control plane; frames never take it). The counters are written
/// under that lock and may be read from any thread without it: 64-bit reads are atomic on the runtimes we
/// support, and a slightly stale count is fine for metrics.
/// </remarks>
internal sealed class HandshakeResponder : IDisposable
{
    private readonly NodeIdentity _identity;
    private readonly HandshakeOptions _options;
    private readonly TimeProvider _time;
    private readonly CookieChecker _cookies;
    private readonly HandshakeRateLimiter _perSource;
    private readonly long _globalTicksPerToken;
    private readonly long _globalCapacityTicks;
    private readonly long _halfOpenTimeoutTicks;
    private readonly Dictionary<uint, HalfOpen> _halfOpen = [];
    private readonly Queue<(uint Index, long Created)> _halfOpenOrder = new();
    private readonly Dictionary<NodeId, Timestamp> _lastTimestamps = [];
    private readonly Queue<NodeId> _timestampOrder = new();
    private readonly long[] _rejects = new long[HandshakeRejectReasons.Count];
    private readonly Lock _gate = new();
    private TokenBucket _global;

    public HandshakeResponder(NodeIdentity identity, HandshakeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        _identity = identity;
        _options = options ?? new HandshakeOptions();
        _time = _options.TimeProvider;
        _cookies = new CookieChecker(identity.NoiseStaticPublicKey, _time, _options.CookieSecretLifetime);
        _perSource = new HandshakeRateLimiter(
            _time, _options.InitiationsPerSecondPerSource, _options.InitiationBurstPerSource, _options.RateLimiterCapacity);
        _globalTicksPerToken = Math.Max(1, (long)(_time.TimestampFrequency / _options.InitiationsPerSecond));
        _globalCapacityTicks = _globalTicksPerToken * _options.InitiationBurst;
        _global = TokenBucket.Full(_globalCapacityTicks, _time.GetTimestamp());
        _halfOpenTimeoutTicks = (long)(_options.HalfOpenTimeout.TotalSeconds * _time.TimestampFrequency);
    }

    /// <summary>X25519 operations done so far (the work a flood tries to cause).</summary>
    public long DiffieHellmanCount { get; private set; }

    /// <summary>Cookie replies sent instead of doing any Diffie-Hellman.</summary>
    public long CookieRepliesSent => GetRejectCount(HandshakeRejectReason.CookieSent);

    /// <summary>Handshakes finished.</summary>
    public long Completed { get; private set; }

    /// <summary>Half-open handshakes evicted because the table was full.</summary>
    public long HalfOpenEvictions { get; private set; }

    /// <summary>Half-open XX handshakes held now.</summary>
    public int HalfOpenCount
    {
        get
        {
            lock (_gate)
            {
                return _halfOpen.Count;
            }
        }
    }

    /// <summary>Datagrams refused (or answered with a cookie) for <paramref name="reason"/>.</summary>
    public long GetRejectCount(HandshakeRejectReason reason) => Volatile.Read(ref _rejects[(int)reason]);

    /// <summary>Handles one datagram from <paramref name="source"/> (the address bytes the rate limit and cookie bind to).</summary>
    public HandshakeResponderOutcome Receive(ReadOnlySpan<byte> source, ReadOnlySpan<byte> datagram)
    {
        lock (_gate)
        {
            var outcome = ReceiveCore(source, datagram);
            if (outcome.Reason != HandshakeRejectReason.None)
            {
                // Written under the lock, read by GetRejectCount from any thread (Volatile.Read: a recent value).
                _rejects[(int)outcome.Reason]++;
            }
            else if (outcome.Result is not null)
            {
                Completed++;
            }

            return outcome;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var entry in _halfOpen.Values)
            {
                entry.State.Dispose();
            }

            _halfOpen.Clear();
            _cookies.Dispose();
        }
    }

    private HandshakeResponderOutcome ReceiveCore(ReadOnlySpan<byte> source, ReadOnlySpan<byte> datagram)
    {
        if (source.IsEmpty || source.Length > HandshakeOptions.MaxSourceAddressLength)
        {
            return Reject(HandshakeRejectReason.InvalidSourceAddress);
        }

        ExpireHalfOpen();
        var type = HandshakeFrame.Classify(datagram);
        if (type is HandshakeMessageType.Data or HandshakeMessageType.Malformed)
        {
            return Reject(HandshakeRejectReason.Malformed);
        }

        var pattern = HandshakeFrame.Pattern(datagram);
        if (datagram.Length != HandshakeFrame.ExpectedLength(type, pattern))
        {
            return Reject(type is HandshakeMessageType.Initiation or HandshakeMessageType.Finish ? HandshakeRejectReason.Malformed : HandshakeRejectReason.UnexpectedMessage);
        }

        return type switch
        {
            HandshakeMessageType.Initiation => ReceiveInitiation(source, datagram, pattern),
            HandshakeMessageType.Finish => ReceiveFinish(datagram),
            _ => Reject(HandshakeRejectReason.UnexpectedMessage),
        };
    }

    private HandshakeResponderOutcome ReceiveInitiation(ReadOnlySpan<byte> source, ReadOnlySpan<byte> datagram, HandshakePattern pattern)
    {
        if (!_cookies.CheckMac1(datagram, pattern))
        {
            return Reject(HandshakeRejectReason.InvalidMac1);
        }

        // Order matters: the global budget is only spent when the source is within its rate and the table has
        // room, so a flood from one source cannot drain the budget of everyone else.
        var rate = _perSource.Acquire(source, evictIfFull: false);
        var serve = rate == RateDecision.Allowed
            && _halfOpen.Count < _options.CookieThreshold
            && _global.TryTake(_globalTicksPerToken, _globalCapacityTicks, _time.GetTimestamp());
        if (!serve)
        {
            if (!_cookies.CheckMac2(datagram, source))
            {
                var reply = new byte[HandshakeFrame.CookieReplyLength];
                _cookies.WriteCookieReply(reply, datagram, source, _identity.NodeId);
                return new HandshakeResponderOutcome(HandshakeRejectReason.CookieSent, reply, null);
            }

            // The source proved its address: it may displace a (likely spoofed) entry of a full rate table.
            if (rate == RateDecision.TableFull)
            {
                rate = _perSource.Acquire(source, evictIfFull: true);
            }

            if (rate != RateDecision.Allowed)
            {
                return Reject(HandshakeRejectReason.RateLimited);
            }
        }

        return pattern == HandshakePattern.IK ? AnswerIK(datagram) : AnswerXX(datagram);
    }

    private HandshakeResponderOutcome AnswerIK(ReadOnlySpan<byte> datagram)
    {
        var session = HandshakeFrame.Session(datagram);
        using var state = NewState(HandshakePattern.IK, session);
        var noise = datagram[HandshakeFrame.BodyOffset..^(2 * HandshakeFrame.MacLength)];
        Span<byte> payload = stackalloc byte[HandshakePayload.IKInitiationPayloadLength];
        try
        {
            var status = state.ReadMessage(noise, payload, out var read);
            if (status != NoiseStatus.Ok)
            {
                return Reject(HandshakeRejectReasons.FromNoise(status));
            }

            var reason = CheckIdentity(payload[..read], state, datagram, HandshakePayload.IKInitiationPayloadLength);
            if (reason != HandshakeRejectReason.None)
            {
                return Reject(reason);
            }

            var peer = HandshakeFrame.Sender(datagram);
            var timestamp = Timestamp.Read(payload[HandshakePayload.IdentityLength..]);
            if (_lastTimestamps.TryGetValue(peer, out var last) && timestamp.CompareTo(last) <= 0)
            {
                return Reject(HandshakeRejectReason.ReplayedInitiation);
            }

            var localIndex = NewIndex();
            var senderIndex = HandshakeFrame.SenderIndex(datagram);
            status = WriteResponse(state, HandshakePattern.IK, session, localIndex, senderIndex, out var reply);
            if (status != NoiseStatus.Ok)
            {
                return Reject(HandshakeRejectReasons.FromNoise(status));
            }

            RememberTimestamp(peer, timestamp);
            var result = new HandshakeResult(
                state, HandshakePattern.IK, session, _identity.NodeId, payload[..NodeIdentity.PublicKeyLength], localIndex, senderIndex, readLastMessage: false);
            return new HandshakeResponderOutcome(HandshakeRejectReason.None, reply, result);
        }
        finally
        {
            DiffieHellmanCount += state.DiffieHellmanCount;
        }
    }

    private HandshakeResponderOutcome AnswerXX(ReadOnlySpan<byte> datagram)
    {
        var session = HandshakeFrame.Session(datagram);
        var state = NewState(HandshakePattern.XX, session);
        var keep = false;
        try
        {
            var noise = datagram[HandshakeFrame.BodyOffset..^(2 * HandshakeFrame.MacLength)];
            Span<byte> padding = stackalloc byte[HandshakePayload.XXInitiationPaddingLength];
            var status = state.ReadMessage(noise, padding, out _);
            if (status != NoiseStatus.Ok)
            {
                return Reject(HandshakeRejectReasons.FromNoise(status));
            }

            var localIndex = NewIndex();
            var senderIndex = HandshakeFrame.SenderIndex(datagram);
            status = WriteResponse(state, HandshakePattern.XX, session, localIndex, senderIndex, out var reply);
            DiffieHellmanCount += state.DiffieHellmanCount;
            if (status != NoiseStatus.Ok)
            {
                return Reject(HandshakeRejectReasons.FromNoise(status));
            }

            AddHalfOpen(localIndex, new HalfOpen(state, session, senderIndex, _time.GetTimestamp(), state.DiffieHellmanCount));
            keep = true;
            return new HandshakeResponderOutcome(HandshakeRejectReason.None, reply, null);
        }
        finally
        {
            if (!keep)
            {
                state.Dispose();
            }
        }
    }

    private HandshakeResponderOutcome ReceiveFinish(ReadOnlySpan<byte> datagram)
    {
        var index = HandshakeFrame.ReceiverIndex(datagram);
        if (!_halfOpen.TryGetValue(index, out var entry)
            || entry.RemoteIndex != HandshakeFrame.SenderIndex(datagram)
            || entry.Session != HandshakeFrame.Session(datagram))
        {
            return Reject(HandshakeRejectReason.UnknownIndex);
        }

        var state = entry.State;
        Span<byte> payload = stackalloc byte[HandshakePayload.IdentityLength];
        var status = state.ReadMessage(datagram[HandshakeFrame.BodyOffset..], payload, out var read);
        DiffieHellmanCount += state.DiffieHellmanCount - entry.CountedDiffieHellman;
        _halfOpen[index] = entry with { CountedDiffieHellman = state.DiffieHellmanCount };
        if (status != NoiseStatus.Ok)
        {
            // ReadMessage restored the state: the genuine Finish can still arrive.
            return Reject(HandshakeRejectReasons.FromNoise(status));
        }

        var reason = CheckIdentity(payload[..read], state, datagram, HandshakePayload.IdentityLength);
        _halfOpen.Remove(index);
        try
        {
            if (reason != HandshakeRejectReason.None)
            {
                return Reject(reason);
            }

            var result = new HandshakeResult(
                state, HandshakePattern.XX, entry.Session, _identity.NodeId, payload[..NodeIdentity.PublicKeyLength], index, entry.RemoteIndex, readLastMessage: true);
            return new HandshakeResponderOutcome(HandshakeRejectReason.None, null, result);
        }
        finally
        {
            state.Dispose();
        }
    }

    private static HandshakeRejectReason CheckIdentity(ReadOnlySpan<byte> payload, NoiseHandshakeState state, ReadOnlySpan<byte> datagram, int expectedLength)
    {
        if (payload.Length != expectedLength)
        {
            return HandshakeRejectReason.Malformed;
        }

        if (!HandshakePayload.VerifyIdentity(payload, state.RemoteStaticPublicKey))
        {
            return HandshakeRejectReason.InvalidIdentitySignature;
        }

        return NodeId.FromPublicKey(payload[..NodeIdentity.PublicKeyLength]) == HandshakeFrame.Sender(datagram)
            ? HandshakeRejectReason.None
            : HandshakeRejectReason.NodeIdMismatch;
    }

    private NoiseStatus WriteResponse(NoiseHandshakeState state, HandshakePattern pattern, SessionId session, uint localIndex, uint senderIndex, out byte[] reply)
    {
        reply = new byte[HandshakeFrame.ExpectedLength(HandshakeMessageType.Response, pattern)];
        HandshakeFrame.WriteHeader(reply, HandshakeMessageType.Response, pattern, session, _identity.NodeId, localIndex, senderIndex);
        return HandshakePayload.WriteIdentityMessage(state, _identity, reply.AsSpan(HandshakeFrame.BodyOffset));
    }

    private NoiseHandshakeState NewState(HandshakePattern pattern, SessionId session)
    {
        Span<byte> prologue = stackalloc byte[HandshakeFrame.PrologueLength];
        HandshakeFrame.WritePrologue(prologue, session, pattern);
        return new NoiseHandshakeState(
            pattern == HandshakePattern.IK ? NoisePattern.IK : NoisePattern.XX, initiator: false, prologue, _identity.NoiseStatic, null, []);
    }

    private uint NewIndex()
    {
        uint index;
        do
        {
            index = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue) ^ ((uint)RandomNumberGenerator.GetInt32(0, 2) << 31);
        }
        while (_halfOpen.ContainsKey(index));

        return index;
    }

    private void AddHalfOpen(uint index, HalfOpen entry)
    {
        if (_halfOpen.Count >= _options.HalfOpenCapacity)
        {
            // Full: the oldest handshake is the likeliest to be dead (a spoofed source never answers).
            while (_halfOpenOrder.TryDequeue(out var oldest))
            {
                if (_halfOpen.TryGetValue(oldest.Index, out var victim) && victim.Created == oldest.Created)
                {
                    _halfOpen.Remove(oldest.Index);
                    victim.State.Dispose();
                    HalfOpenEvictions++;
                    break;
                }
            }
        }

        _halfOpen.Add(index, entry);
        _halfOpenOrder.Enqueue((index, entry.Created));
        if (_halfOpenOrder.Count > 2 * _options.HalfOpenCapacity)
        {
            CompactHalfOpenOrder();
        }
    }

    private void ExpireHalfOpen()
    {
        var now = _time.GetTimestamp();
        while (_halfOpenOrder.TryPeek(out var oldest))
        {
            var live = _halfOpen.TryGetValue(oldest.Index, out var entry) && entry.Created == oldest.Created;
            if (live && now - oldest.Created < _halfOpenTimeoutTicks)
            {
                return;
            }

            _halfOpenOrder.Dequeue();
            if (live)
            {
                _halfOpen.Remove(oldest.Index);
                entry.State.Dispose();
            }
        }
    }

    private void CompactHalfOpenOrder()
    {
        // Finished handshakes leave stale queue items behind; keep the queue within twice the table.
        var count = _halfOpenOrder.Count;
        for (var i = 0; i < count; i++)
        {
            var item = _halfOpenOrder.Dequeue();
            if (_halfOpen.TryGetValue(item.Index, out var entry) && entry.Created == item.Created)
            {
                _halfOpenOrder.Enqueue(item);
            }
        }
    }

    private void RememberTimestamp(NodeId peer, Timestamp timestamp)
    {
        if (!_lastTimestamps.ContainsKey(peer))
        {
            if (_lastTimestamps.Count >= _options.ReplayTableCapacity && _timestampOrder.TryDequeue(out var evicted))
            {
                // Bounded: forgetting a peer lets one old initiation of it through once, like a WireGuard restart.
                _lastTimestamps.Remove(evicted);
            }

            _timestampOrder.Enqueue(peer);
        }

        _lastTimestamps[peer] = timestamp;
    }

    private static HandshakeResponderOutcome Reject(HandshakeRejectReason reason) => new(reason, null, null);

    private readonly record struct HalfOpen(NoiseHandshakeState State, SessionId Session, uint RemoteIndex, long Created, int CountedDiffieHellman);

    /// <summary>A TAI64N timestamp as two big-endian numbers, compared as time.</summary>
    private readonly record struct Timestamp(ulong Seconds, uint Nanoseconds) : IComparable<Timestamp>
    {
        public static Timestamp Read(ReadOnlySpan<byte> bytes)
            => new(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]));

        public int CompareTo(Timestamp other)
            => Seconds != other.Seconds ? Seconds.CompareTo(other.Seconds) : Nanoseconds.CompareTo(other.Nanoseconds);
    }
}
