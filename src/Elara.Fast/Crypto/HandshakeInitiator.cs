using System.Security.Cryptography;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>Where an initiator's handshake stands.</summary>
internal enum HandshakeInitiatorState : byte
{
    /// <summary>Created; <see cref="HandshakeInitiator.Start"/> not called yet.</summary>
    Idle,

    /// <summary>Initiation sent; waiting for the response (retransmitting on a timer).</summary>
    Pending,

    /// <summary>Finished: <see cref="HandshakeInitiator.Result"/> holds the secrets.</summary>
    Completed,

    /// <summary>Gave up: <see cref="HandshakeInitiator.FailureReason"/> says why.</summary>
    Failed,
}

/// <summary>
/// The initiator side of one ELARA Noise handshake (IK or XX) with one responder (docs/handshake.md).
/// <see cref="Start"/> sends the initiation through the transmit callback; a <see cref="TimeProvider"/> timer
/// retransmits with exponential backoff (a fresh initiation each time: new ephemeral, new timestamp) until a
/// response arrives or <see cref="HandshakeOptions.MaxAttempts"/> initiations were sent. A cookie reply is taken
/// and answered at once with an initiation carrying mac2. XX's last message (Finish) is resent on the same timer
/// until <see cref="ConfirmPeer"/> says the responder was heard under the new keys.
/// </summary>
/// <remarks>
/// Thread-safe: the timer and <see cref="Receive"/> take one lock; the transmit callback is called outside it.
/// Hostile or stray datagrams are rejected with a reason and leave the handshake as it was.
/// </remarks>
internal sealed class HandshakeInitiator : IDisposable
{
    private readonly NodeIdentity _identity;
    private readonly HandshakePattern _pattern;
    private readonly SessionId _session;
    private readonly byte[] _responderStatic;
    private readonly Action<byte[]> _transmit;
    private readonly HandshakeOptions _options;
    private readonly NodeId? _expectedResponder;
    private readonly CookieJar _cookies;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private NoiseHandshakeState? _state;
    private byte[]? _finish;
    private bool _peerConfirmed;
    private int _finishSends;
    private TimeSpan _delay;
    private bool _disposed;

    /// <param name="identity">This node's identity (signs the static key; not owned).</param>
    /// <param name="pattern">IK when <paramref name="responderStatic"/> is known, else XX.</param>
    /// <param name="session">The session the handshake is for (bound into the Noise prologue).</param>
    /// <param name="responderStatic">IK: the responder's 32-byte Noise static key. XX: empty.</param>
    /// <param name="transmit">Sends a datagram to the responder (called outside any lock, possibly on a timer thread).</param>
    /// <param name="options">Timers and bounds.</param>
    /// <param name="expectedResponder">When set, a responder authenticating as another node fails the handshake.</param>
    public HandshakeInitiator(
        NodeIdentity identity,
        HandshakePattern pattern,
        SessionId session,
        ReadOnlySpan<byte> responderStatic,
        Action<byte[]> transmit,
        HandshakeOptions? options = null,
        NodeId? expectedResponder = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(transmit);
        if (pattern == HandshakePattern.IK ? responderStatic.Length != NoiseKeyPair.KeyLength : pattern != HandshakePattern.XX)
        {
            ThrowHelper.ThrowArgument(nameof(responderStatic), "IK needs the responder's 32-byte static key; XX needs none.");
        }

        _identity = identity;
        _pattern = pattern;
        _session = session;
        _responderStatic = responderStatic.ToArray();
        _transmit = transmit;
        _options = options ?? new HandshakeOptions();
        _expectedResponder = expectedResponder;
        _cookies = new CookieJar(pattern, _responderStatic, _options.TimeProvider);
        _delay = _options.InitialRetransmitDelay;
        LocalIndex = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        _timer = _options.TimeProvider.CreateTimer(static s => ((HandshakeInitiator)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The node the responder must authenticate as, when one was named.</summary>
    public NodeId? ExpectedResponder => _expectedResponder;

    /// <summary>This side's index (the sender index of our frames).</summary>
    public uint LocalIndex { get; }

    /// <summary>Where the handshake stands.</summary>
    public HandshakeInitiatorState State { get; private set; }

    /// <summary>Why the handshake failed (<see cref="HandshakeRejectReason.None"/> unless <see cref="State"/> is Failed).</summary>
    public HandshakeRejectReason FailureReason { get; private set; }

    /// <summary>The finished handshake's secrets and peer; null until <see cref="State"/> is Completed.</summary>
    public HandshakeResult? Result { get; private set; }

    /// <summary>Initiations sent so far (the first one, retransmissions and cookie retries).</summary>
    public int Attempts { get; private set; }

    /// <summary>Cookie replies accepted.</summary>
    public int CookiesReceived { get; private set; }

    /// <summary>Sends the first initiation and arms the retransmission timer.</summary>
    public void Start()
    {
        byte[] frame;
        lock (_gate)
        {
            if (State != HandshakeInitiatorState.Idle || _disposed)
            {
                ThrowHelper.ThrowInvalidOperation("The handshake was already started (or disposed).");
            }

            State = HandshakeInitiatorState.Pending;
            frame = NextInitiation();
        }

        _transmit(frame);
    }

    /// <summary>Handles a datagram from the responder; returns None when it advanced the handshake.</summary>
    public HandshakeRejectReason Receive(ReadOnlySpan<byte> datagram)
    {
        byte[]? send = null;
        HandshakeRejectReason reason;
        lock (_gate)
        {
            reason = ReceiveCore(datagram, ref send);
        }

        if (send is not null)
        {
            _transmit(send);
        }

        return reason;
    }

    /// <summary>The responder was heard under the new keys (XX): stop resending Finish.</summary>
    public void ConfirmPeer()
    {
        lock (_gate)
        {
            _peerConfirmed = true;
            if (State == HandshakeInitiatorState.Completed && !_disposed)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            // A timer callback already queued finds _disposed set (under the same lock) and does nothing.
            _disposed = true;
            _timer.Dispose();
            _state?.Dispose();
            _state = null;
        }
    }

    private HandshakeRejectReason ReceiveCore(ReadOnlySpan<byte> datagram, ref byte[]? send)
    {
        var type = HandshakeFrame.Classify(datagram);
        if (type is HandshakeMessageType.Data or HandshakeMessageType.Malformed
            || HandshakeFrame.Pattern(datagram) != _pattern
            || datagram.Length != HandshakeFrame.ExpectedLength(type, _pattern))
        {
            return HandshakeRejectReason.Malformed;
        }

        if (type is not (HandshakeMessageType.Response or HandshakeMessageType.CookieReply))
        {
            return HandshakeRejectReason.UnexpectedMessage;
        }

        if (State != HandshakeInitiatorState.Pending || _state is null || _disposed)
        {
            return HandshakeRejectReason.WrongState;
        }

        if (HandshakeFrame.ReceiverIndex(datagram) != LocalIndex || HandshakeFrame.Session(datagram) != _session)
        {
            return HandshakeRejectReason.UnknownIndex;
        }

        if (type == HandshakeMessageType.CookieReply)
        {
            if (!_cookies.TryAccept(datagram))
            {
                return HandshakeRejectReason.InvalidCookieReply;
            }

            CookiesReceived++;
            send = Attempts < _options.MaxAttempts ? NextInitiation() : null;
            return HandshakeRejectReason.None;
        }

        Span<byte> payload = stackalloc byte[HandshakePayload.IdentityLength];
        var status = _state.ReadMessage(datagram[HandshakeFrame.BodyOffset..], payload, out var read);
        if (status != NoiseStatus.Ok)
        {
            return HandshakeRejectReasons.FromNoise(status);
        }

        var reason = read != HandshakePayload.IdentityLength ? HandshakeRejectReason.Malformed
            : !HandshakePayload.VerifyIdentity(payload, _state.RemoteStaticPublicKey) ? HandshakeRejectReason.InvalidIdentitySignature
            : NodeId.FromPublicKey(payload[..NodeIdentity.PublicKeyLength]) != HandshakeFrame.Sender(datagram) ? HandshakeRejectReason.NodeIdMismatch
            : _expectedResponder is { } expected && expected != HandshakeFrame.Sender(datagram) ? HandshakeRejectReason.UnexpectedPeer
            : HandshakeRejectReason.None;
        if (reason != HandshakeRejectReason.None)
        {
            // The response authenticated (the AEAD verified), so it is the responder itself that is wrong: give up.
            Fail(reason);
            return reason;
        }

        var remoteIndex = HandshakeFrame.SenderIndex(datagram);
        if (_pattern == HandshakePattern.XX)
        {
            var finish = new byte[HandshakeFrame.ExpectedLength(HandshakeMessageType.Finish, HandshakePattern.XX)];
            HandshakeFrame.WriteHeader(finish, HandshakeMessageType.Finish, HandshakePattern.XX, _session, _identity.NodeId, LocalIndex, remoteIndex);
            status = HandshakePayload.WriteIdentityMessage(_state, _identity, finish.AsSpan(HandshakeFrame.BodyOffset));
            if (status != NoiseStatus.Ok)
            {
                Fail(HandshakeRejectReasons.FromNoise(status));
                return FailureReason;
            }

            _finish = finish;
            _finishSends = 1;
            send = finish;
            _delay = _options.InitialRetransmitDelay;
            ScheduleNext();
        }
        else
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        Result = new HandshakeResult(
            _state, _pattern, _session, _identity.NodeId, payload[..NodeIdentity.PublicKeyLength], LocalIndex, remoteIndex, readLastMessage: _pattern == HandshakePattern.IK);
        State = HandshakeInitiatorState.Completed;
        _state.Dispose();
        _state = null;
        return HandshakeRejectReason.None;
    }

    private void OnTimer()
    {
        byte[]? send = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (State == HandshakeInitiatorState.Pending)
            {
                if (Attempts >= _options.MaxAttempts)
                {
                    Fail(HandshakeRejectReason.TimedOut);
                }
                else
                {
                    send = NextInitiation();
                }
            }
            else if (State == HandshakeInitiatorState.Completed && _finish is not null && !_peerConfirmed && _finishSends < _options.MaxAttempts)
            {
                _finishSends++;
                send = _finish;
                ScheduleNext();
            }
        }

        if (send is not null)
        {
            _transmit(send);
        }
    }

    /// <summary>A fresh initiation: new Noise state (new ephemeral), new timestamp, mac1, and mac2 when a cookie is held.</summary>
    private byte[] NextInitiation()
    {
        _state?.Dispose();
        Span<byte> prologue = stackalloc byte[HandshakeFrame.PrologueLength];
        HandshakeFrame.WritePrologue(prologue, _session, _pattern);
        _state = _pattern == HandshakePattern.IK
            ? new NoiseHandshakeState(NoisePattern.IK, initiator: true, prologue, _identity.NoiseStatic, null, _responderStatic)
            : new NoiseHandshakeState(NoisePattern.XX, initiator: true, prologue, _identity.NoiseStatic, null, []);

        var frame = new byte[HandshakeFrame.ExpectedLength(HandshakeMessageType.Initiation, _pattern)];
        HandshakeFrame.WriteHeader(frame, HandshakeMessageType.Initiation, _pattern, _session, _identity.NodeId, LocalIndex, 0);
        Span<byte> payload = stackalloc byte[HandshakePayload.XXInitiationPaddingLength];
        payload.Clear();
        if (_pattern == HandshakePattern.IK)
        {
            HandshakePayload.WriteIdentity(payload, _identity);
            HandshakeTimestamp.Write(payload[HandshakePayload.IdentityLength..], _options.TimeProvider);
            payload = payload[..HandshakePayload.IKInitiationPayloadLength];
        }

        var status = _state.WriteMessage(payload, frame.AsSpan(HandshakeFrame.BodyOffset, frame.Length - HandshakeFrame.BodyOffset - (2 * HandshakeFrame.MacLength)), out _);
        if (status != NoiseStatus.Ok)
        {
            // Sizes are fixed by the pattern: a failure here is a bug, not input.
            ThrowHelper.ThrowInvalidOperation("Writing the initiation failed: " + status);
        }

        _cookies.WriteMacs(frame);
        Attempts++;
        ScheduleNext();
        return frame;
    }

    private void ScheduleNext()
    {
        _timer.Change(_delay, Timeout.InfiniteTimeSpan);
        var doubled = _delay * 2;
        _delay = doubled > _options.MaxRetransmitDelay ? _options.MaxRetransmitDelay : doubled;
    }

    private void Fail(HandshakeRejectReason reason)
    {
        State = HandshakeInitiatorState.Failed;
        FailureReason = reason;
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _state?.Dispose();
        _state = null;
    }
}
