using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Crypto;

/// <summary>
/// The protected data path to one peer: seals outgoing frames and opens incoming ones in place, with the
/// traffic keys, epochs, replay windows and rekeying of WIRE.md "Crypto binding" (details: docs/crypto.md).
/// A finished handshake (docs/handshake.md) creates one from its two direction secrets.
/// </summary>
/// <remarks>
/// <para><b>Threads.</b> <see cref="Seal"/> is called by one thread (the egress Seal stage) and
/// <see cref="Open"/> by one thread (the ingress Open stage); the two may run concurrently, since they touch
/// disjoint state. <see cref="Rekey(ReadOnlySpan{byte}, ReadOnlySpan{byte}, KeyActivation)"/> and
/// <see cref="RekeyDue"/> may be called from any other thread while traffic flows: Rekey builds the new keys
/// off the hot path and hands them over through two fields that the Seal and Open stages take with an
/// interlocked exchange, so no lock is ever taken per frame. <see cref="Dispose"/> must not race Seal/Open.</para>
/// <para><b>Cost.</b> Seal and Open allocate nothing per frame and read no clock; keys are derived and imported
/// once per epoch (every 65 536 frames of a class, or every <see cref="EpochInterval"/>). The channel owns one
/// <see cref="TimeProvider"/> timer (the epoch clock) until it is disposed.</para>
/// </remarks>
public sealed class SecureChannel : IDisposable
{
    /// <summary>Keys older than this should be replaced by a new handshake (WireGuard's REKEY_AFTER_TIME).</summary>
    public static readonly TimeSpan RekeyAfterTime = TimeSpan.FromMinutes(2);

    /// <summary>Frames sent under one set of keys after which they should be replaced.</summary>
    public const long RekeyAfterFrames = 1L << 32;

    /// <summary>A class moves to its next key epoch after about this long (between half and all of it, counted from the epoch's first frame).</summary>
    public static readonly TimeSpan EpochInterval = TimeSpan.FromSeconds(30);

    /// <summary>After a rekey, frames sealed under the previous receive keys still open for this long.</summary>
    public static readonly TimeSpan RekeyGracePeriod = TimeSpan.FromSeconds(15);

    private readonly NodeId _localNode;
    private readonly NodeId _remoteNode;
    private readonly SessionId _session;
    private readonly CryptoSuite _suite;
    private readonly ChaChaImplementation _chacha;
    private readonly TimeProvider _time;
    private readonly long _graceTicks;
    private readonly long[] _sealCounts = new long[(int)SealStatus.Disposed + 1];
    private readonly long[] _openCounts = new long[(int)OpenStatus.Disposed + 1];

    /// <summary>Ciphertext and tag saved before a first decryption attempt that may need a second (after a rekey): libraries zero the buffer on a tag mismatch.</summary>
    private readonly byte[] _retryCopy = new byte[FrameLayout.MaxFrame];

    // Seal stage state (single writer: the Seal thread).
    private SendKeyGeneration _send;

    // Open stage state (single writer: the Open thread).
    private ReceiveKeyGeneration _receive;
    private ReceiveKeyGeneration? _otherReceive;
    private bool _otherIsNext;

    // Hand-over from Rekey: written with Interlocked.Exchange by Rekey, taken with Interlocked.CompareExchange/
    // Exchange by the stage that owns it, so exactly one side disposes a superseded generation.
    private SendKeyGeneration? _pendingSend;
    private ReceiveKeyGeneration? _pendingReceive;

    // Written by Rekey / the Seal thread, read by RekeyDue on any thread: 64-bit reads are atomic on the
    // 64-bit runtimes we support, Volatile gives a fresh value; a slightly stale one only delays a rekey.
    private long _keysInstalledAt;
    private long _sealedSinceInstall;

    // The epoch clock: a timer ticking every half EpochInterval increments it (thread-pool thread); the Seal
    // stage only reads it, so no clock read sits on the per-frame path. Volatile: a stale value only delays
    // an epoch change by one frame.
    private readonly ITimer _epochClock;
    private int _epochTick;

    private readonly Lock _rekeyLock = new();
    private volatile bool _disposed;

    /// <summary>Creates the channel from the direction secrets of a finished handshake (Noise <c>Split()</c>).</summary>
    /// <param name="localNode">This node: written into every sealed frame and into its nonce.</param>
    /// <param name="remoteNode">The peer: frames from any other node id are refused.</param>
    /// <param name="session">The session: frames of any other session are refused.</param>
    /// <param name="sendSecret">32 bytes: the secret of the local → remote direction.</param>
    /// <param name="receiveSecret">32 bytes: the secret of the remote → local direction.</param>
    /// <param name="timeProvider">The clock for epochs, grace periods and <see cref="RekeyDue"/>; the system clock by default.</param>
    /// <param name="suite">The crypto suite (both sides must agree; the handshake fixes it).</param>
    /// <exception cref="ArgumentException">A secret is not 32 bytes, or the suite is unknown.</exception>
    public SecureChannel(
        NodeId localNode,
        NodeId remoteNode,
        SessionId session,
        ReadOnlySpan<byte> sendSecret,
        ReadOnlySpan<byte> receiveSecret,
        TimeProvider? timeProvider = null,
        CryptoSuite suite = CryptoSuite.ChaCha20Poly1305)
        : this(localNode, remoteNode, session, sendSecret, receiveSecret, timeProvider, suite, FrameAeadFactory.DefaultChaCha)
    {
    }

    internal SecureChannel(
        NodeId localNode,
        NodeId remoteNode,
        SessionId session,
        ReadOnlySpan<byte> sendSecret,
        ReadOnlySpan<byte> receiveSecret,
        TimeProvider? timeProvider,
        CryptoSuite suite,
        ChaChaImplementation chacha)
    {
        if (!FrameAeadFactory.IsSupported(suite))
        {
            ThrowHelper.ThrowArgument(nameof(suite), "Unknown crypto suite.");
        }

        CheckSecrets(sendSecret, receiveSecret);
        _localNode = localNode;
        _remoteNode = remoteNode;
        _session = session;
        _suite = suite;
        _chacha = chacha;
        _time = timeProvider ?? TimeProvider.System;
        _graceTicks = ToTicks(RekeyGracePeriod);
        _send = new SendKeyGeneration(sendSecret, suite, chacha, confirmed: true);
        _receive = new ReceiveKeyGeneration(receiveSecret, suite, chacha, _time);
        _keysInstalledAt = _time.GetTimestamp();
        // The timer holds the channel only weakly, so an undisposed channel can still be collected (and its
        // timer with it) instead of being rooted by the timer queue forever.
        _epochClock = _time.CreateTimer(TickEpochClock, new WeakReference<SecureChannel>(this), EpochInterval / 2, EpochInterval / 2);
    }

    /// <summary>This node.</summary>
    public NodeId LocalNode => _localNode;

    /// <summary>The peer.</summary>
    public NodeId RemoteNode => _remoteNode;

    /// <summary>The session.</summary>
    public SessionId Session => _session;

    /// <summary>The crypto suite.</summary>
    public CryptoSuite Suite => _suite;

    /// <summary>
    /// True when the keys should be replaced by a new handshake: at least <see cref="RekeyAfterTime"/> since
    /// they were installed, or <see cref="RekeyAfterFrames"/> frames sealed under them (as WireGuard).
    /// </summary>
    public bool RekeyDue
        => _time.GetElapsedTime(Volatile.Read(ref _keysInstalledAt)) >= RekeyAfterTime
           || Volatile.Read(ref _sealedSinceInstall) >= RekeyAfterFrames;

    /// <summary>
    /// Epoch keys derived for frames two or more epochs ahead (every frame of an epoch lost, or a forgery
    /// naming a future epoch) under the current receive keys: the cost a hostile peer can impose without
    /// authenticating, one derivation per distinct epoch (docs/crypto.md, "Epochs"). A recent value when read
    /// off the Open thread.
    /// </summary>
    public long EpochProbeDerivations => Volatile.Read(ref _receive).ProbeDerivations;

    /// <summary>How many Seal calls ended with <paramref name="status"/>.</summary>
    /// <param name="status">The outcome to count.</param>
    /// <returns>The count (a recent value when read from another thread).</returns>
    public long GetSealCount(SealStatus status) => Volatile.Read(ref _sealCounts[(int)status]);

    /// <summary>How many Open calls ended with <paramref name="status"/>.</summary>
    /// <param name="status">The outcome to count.</param>
    /// <returns>The count (a recent value when read from another thread).</returns>
    public long GetOpenCount(OpenStatus status) => Volatile.Read(ref _openCounts[(int)status]);

    /// <summary>
    /// Seals a frame in place. The caller has written the header's flags, header length, packet class,
    /// profile, time hint and extensions, and the plaintext payload after them; <paramref name="frame"/> ends
    /// with 16 bytes of room for the tag. Seal writes version and suite, session id, node id, key epoch and
    /// sequence, encrypts the payload with every byte before it as associated data, and writes the tag.
    /// </summary>
    /// <param name="frame">The whole frame: header, extensions, payload, 16 bytes for the tag.</param>
    /// <returns><see cref="SealStatus.Ok"/>, or why the frame was not sealed (it must then not be sent).</returns>
    public SealStatus Seal(Span<byte> frame)
    {
        if (_disposed)
        {
            return CountSeal(SealStatus.Disposed);
        }

        var pending = Volatile.Read(ref _pendingSend);
        if (pending is not null && pending.IsConfirmed)
        {
            AdoptPendingSend(pending);
        }

        if (frame.Length < FrameLayout.MinFrame)
        {
            return CountSeal(SealStatus.InvalidFrame);
        }

        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(frame[HeaderOffsets.HeaderLength..]);
        var classByte = frame[HeaderOffsets.PacketClass];
        if (!PacketClassExtensions.IsDefined(classByte)
            || FrameLayout.TryCreate(frame, headerLength, frame.Length - headerLength - FrameLayout.TagSize, out var layout) != WireStatus.Ok)
        {
            return CountSeal(SealStatus.InvalidFrame);
        }

        var packetClass = (PacketClass)classByte;
        if (!_send[packetClass].TryNext(Volatile.Read(ref _epochTick), out var epoch, out var sequence, out var aead))
        {
            return CountSeal(SealStatus.KeysExhausted);
        }

        FrameHeaderWriter.TryCreate(frame, out var header);
        header.SetVersionAndSuite(0, _suite);
        header.SessionId = _session;
        header.NodeId = _localNode;
        header.KeyEpoch = epoch;
        header.Sequence = sequence;

        Span<byte> nonce = stackalloc byte[FrameAeadConstants.NonceLength];
        FrameNonce.Write(nonce, _localNode, sequence, packetClass);
        aead.Seal(nonce, layout.Aad, layout.Ciphertext, layout.Tag);
        _sealedSinceInstall++;
        return CountSeal(SealStatus.Ok);
    }

    /// <summary>
    /// Opens a received frame in place: validates the header and extensions, checks suite, session, sender,
    /// epoch and the replay window, verifies the tag and decrypts the payload where it lies. Never throws on
    /// bad input; every refusal is counted by reason.
    /// </summary>
    /// <param name="frame">The whole received datagram (in its ring slot).</param>
    /// <param name="layout">On <see cref="OpenStatus.Ok"/>: the frame's layout, whose <see cref="FrameLayout.Ciphertext"/> now holds the plaintext; default otherwise.</param>
    /// <returns><see cref="OpenStatus.Ok"/> or why the frame was refused.</returns>
    public OpenStatus Open(Span<byte> frame, out FrameLayout layout)
    {
        if (_disposed)
        {
            layout = default;
            return CountOpen(OpenStatus.Disposed);
        }

        if (!FrameLayout.TryParse(frame, out layout, out var wireStatus))
        {
            return CountOpen(wireStatus is WireStatus.TooShort or WireStatus.HeaderLengthOutOfRange ? OpenStatus.Truncated : OpenStatus.Malformed);
        }

        var header = layout.Header;
        var status = header.Suite != _suite ? OpenStatus.WrongSuite
            : header.SessionId != _session ? OpenStatus.WrongSession
            : header.NodeId != _remoteNode ? OpenStatus.WrongSender
            : OpenStatus.Ok;
        if (status == OpenStatus.Ok)
        {
            if (Volatile.Read(ref _pendingReceive) is not null)
            {
                AdoptPendingReceive();
            }

            var packetClass = header.PacketClass;
            var epoch = header.KeyEpoch;
            Span<byte> nonce = stackalloc byte[FrameAeadConstants.NonceLength];
            FrameNonce.Write(nonce, _remoteNode, header.Sequence, packetClass);
            status = _otherReceive is null
                ? TryOpen(_receive, layout, packetClass, epoch, header.Counter, nonce)
                : TryOpenEitherGeneration(layout, packetClass, epoch, header.Counter, nonce);
        }

        if (status != OpenStatus.Ok)
        {
            layout = default;
        }

        return CountOpen(status);
    }

    /// <summary>Replaces the keys with those of a new handshake while traffic flows, switching at once (<see cref="KeyActivation.Immediate"/>).</summary>
    /// <param name="newSendSecret">32 bytes: the new local → remote secret.</param>
    /// <param name="newReceiveSecret">32 bytes: the new remote → local secret.</param>
    public void Rekey(ReadOnlySpan<byte> newSendSecret, ReadOnlySpan<byte> newReceiveSecret)
        => Rekey(newSendSecret, newReceiveSecret, KeyActivation.Immediate);

    /// <summary>
    /// Replaces the keys with those of a new handshake while traffic flows. The new keys are derived here,
    /// off the hot path; the Seal and Open stages pick them up at their next frame. Frames still in flight
    /// under the previous receive keys open for <see cref="RekeyGracePeriod"/> afterwards (docs/crypto.md,
    /// "Rekey").
    /// </summary>
    /// <param name="newSendSecret">32 bytes: the new local → remote secret.</param>
    /// <param name="newReceiveSecret">32 bytes: the new remote → local secret.</param>
    /// <param name="activation">
    /// <see cref="KeyActivation.Immediate"/> for the side that finished the handshake last (the initiator);
    /// <see cref="KeyActivation.OnPeerConfirmation"/> for the responder, which keeps sending under the old keys
    /// until a frame under the new ones arrives.
    /// </param>
    /// <exception cref="ArgumentException">A secret is not 32 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The channel was disposed.</exception>
    public void Rekey(ReadOnlySpan<byte> newSendSecret, ReadOnlySpan<byte> newReceiveSecret, KeyActivation activation)
    {
        CheckSecrets(newSendSecret, newReceiveSecret);
        lock (_rekeyLock)
        {
            if (_disposed)
            {
                ThrowHelper.ThrowObjectDisposed(nameof(SecureChannel));
            }

            var send = new SendKeyGeneration(newSendSecret, _suite, _chacha, confirmed: activation == KeyActivation.Immediate);
            var receive = new ReceiveKeyGeneration(newReceiveSecret, _suite, _chacha, _time)
            {
                SendToConfirm = activation == KeyActivation.Immediate ? null : send,
            };

            // A generation not yet taken by its stage was never used: whoever takes a reference out owns it.
            Interlocked.Exchange(ref _pendingSend, send)?.Dispose();
            Interlocked.Exchange(ref _pendingReceive, receive)?.Dispose();
            Volatile.Write(ref _keysInstalledAt, _time.GetTimestamp());
        }
    }

    /// <summary>Zeroes and releases every key. Call it only once the Seal and Open stages no longer use the channel.</summary>
    public void Dispose()
    {
        lock (_rekeyLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _epochClock.Dispose();
            _send.Dispose();
            _receive.Dispose();
            _otherReceive?.Dispose();
            Interlocked.Exchange(ref _pendingSend, null)?.Dispose();
            Interlocked.Exchange(ref _pendingReceive, null)?.Dispose();
        }
    }

    /// <summary>Key lookup, replay check, tag verification and decryption against one key generation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static OpenStatus TryOpen(ReceiveKeyGeneration generation, in FrameLayout layout, PacketClass packetClass, ushort epoch, uint counter, ReadOnlySpan<byte> nonce)
    {
        var keys = generation[packetClass];
        var status = keys.TryGetEpoch(epoch, out var epochKeys);
        if (status != OpenStatus.Ok)
        {
            return status;
        }

        var verdict = epochKeys.Window.Check(counter);
        if (verdict != ReplayVerdict.Fresh)
        {
            return verdict == ReplayVerdict.Replay ? OpenStatus.Replay : OpenStatus.TooOld;
        }

        if (!epochKeys.Aead.TryOpen(nonce, layout.Aad, layout.Ciphertext, layout.Tag))
        {
            return OpenStatus.AuthenticationFailed;
        }

        // Only an authenticated frame moves the window and the epoch (wireguard-go replay.go).
        epochKeys.Window.Commit(counter);
        keys.OnAuthenticated(epoch);
        return OpenStatus.Ok;
    }

    /// <summary>
    /// Around a rekey two receive generations are live (the previous one in its grace period, or the next one
    /// awaiting confirmation). A frame does not say which it belongs to, so it is tried against the current
    /// generation, then the other; the ciphertext is saved first because a failed attempt zeroes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private OpenStatus TryOpenEitherGeneration(in FrameLayout layout, PacketClass packetClass, ushort epoch, uint counter, ReadOnlySpan<byte> nonce)
    {
        var other = _otherReceive!;
        if (!_otherIsNext && _time.GetTimestamp() >= other.ExpiresAt)
        {
            other.Dispose();
            _otherReceive = null;
            return TryOpen(_receive, layout, packetClass, epoch, counter, nonce);
        }

        var sealedPart = layout.Frame[layout.HeaderLength..];
        sealedPart.CopyTo(_retryCopy);
        var first = TryOpen(_receive, layout, packetClass, epoch, counter, nonce);
        if (first == OpenStatus.Ok)
        {
            return first;
        }

        if (first == OpenStatus.AuthenticationFailed)
        {
            _retryCopy.AsSpan(0, sealedPart.Length).CopyTo(sealedPart);
        }

        var second = TryOpen(other, layout, packetClass, epoch, counter, nonce);
        if (second == OpenStatus.Ok)
        {
            if (_otherIsNext)
            {
                PromoteNextReceive();
            }

            return second;
        }

        return first == OpenStatus.AuthenticationFailed ? second : first;
    }

    /// <summary>The peer proved it holds the new keys: they become current, the old ones enter their grace period, and our new send keys may go live.</summary>
    private void PromoteNextReceive()
    {
        var next = _otherReceive!;
        _receive.ExpiresAt = _time.GetTimestamp() + _graceTicks;
        _otherReceive = _receive;
        _otherIsNext = false;
        _receive = next;
        next.SendToConfirm?.Confirm();
        next.SendToConfirm = null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AdoptPendingReceive()
    {
        var pending = Interlocked.Exchange(ref _pendingReceive, null);
        if (pending is null)
        {
            return;
        }

        if (pending.SendToConfirm is not null)
        {
            // Responder: the new keys wait beside the current ones (replacing an unconfirmed or expiring set).
            _otherReceive?.Dispose();
            _otherReceive = pending;
            _otherIsNext = true;
            return;
        }

        _otherReceive?.Dispose();
        _receive.ExpiresAt = _time.GetTimestamp() + _graceTicks;
        _otherReceive = _receive;
        _otherIsNext = false;
        _receive = pending;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AdoptPendingSend(SendKeyGeneration pending)
    {
        if (Interlocked.CompareExchange(ref _pendingSend, null, pending) != pending)
        {
            return;
        }

        _send.Dispose();
        _send = pending;
        _sealedSinceInstall = 0;
    }

    private static void TickEpochClock(object? state)
    {
        if (((WeakReference<SecureChannel>)state!).TryGetTarget(out var channel))
        {
            Interlocked.Increment(ref channel._epochTick);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SealStatus CountSeal(SealStatus status)
    {
        _sealCounts[(int)status]++;
        return status;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OpenStatus CountOpen(OpenStatus status)
    {
        _openCounts[(int)status]++;
        return status;
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private static void CheckSecrets(ReadOnlySpan<byte> sendSecret, ReadOnlySpan<byte> receiveSecret)
    {
        if (sendSecret.Length != TrafficKeySchedule.SecretLength || receiveSecret.Length != TrafficKeySchedule.SecretLength)
        {
            ThrowHelper.ThrowArgument(nameof(sendSecret), "Direction secrets are 32 bytes.");
        }
    }
}
