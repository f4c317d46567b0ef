using System.Text;
using Elara.Fast.Transport.Stun;

namespace Elara.Fast.Transport.Turn;

/// <summary>Writes a request's method-specific attributes (the client adds credentials and integrity).</summary>
internal delegate void StunAttributeWriter(ref StunMessageWriter writer);

public sealed partial class TurnClient
{
    // 401 → credentials, 438 → new nonce, … : a server that keeps moving the nonce is given up on.
    private const int MaxAuthenticationAttempts = 4;
    private const int RequestBufferSize = 1024;

    /// <summary>
    /// Allocates a relayed address (RFC 8656 §7.1): an unauthenticated Allocate draws 401 with REALM and
    /// NONCE, the retry carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY keyed by
    /// MD5(username:realm:password); 438 Stale Nonce is retried with the new nonce. On success the
    /// allocation is refreshed automatically at <see cref="TurnClientOptions.RefreshFraction"/> of its lifetime.
    /// </summary>
    public async Task<TurnResult> AllocateAsync(CancellationToken cancellationToken = default)
    {
        var lifetimeSeconds = LifetimeSeconds(_options.RequestedLifetime);
        var (result, response) = await ExecuteAsync(StunMethod.Allocate, (ref StunMessageWriter w) =>
        {
            w.AddRequestedTransport(UdpProtocolNumber);
            w.AddUInt32(StunAttributeType.Lifetime, lifetimeSeconds);
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result;
        }

        var reader = response!.Reader;
        if (!reader.TryGetXorAddress(StunAttributeType.XorRelayedAddress, out var relayed)
            || !reader.TryGetUInt32(StunAttributeType.Lifetime, out var granted))
        {
            return TurnResult.Failure(TurnError.MalformedResponse, "the Allocate response lacks XOR-RELAYED-ADDRESS or LIFETIME");
        }

        reader.TryGetXorMappedAddress(out var mapped);
        var lifetime = TimeSpan.FromSeconds(granted);
        lock (_gate)
        {
            _allocated = true;
            _relayedAddress = relayed;
            _mappedAddress = mapped;
            _lifetime = lifetime;
            ScheduleAllocationRefresh(lifetime);
        }

        return TurnResult.Success(lifetime);
    }

    /// <summary>
    /// Refreshes the allocation (RFC 8656 §7.2) with <paramref name="lifetime"/> (default: the requested
    /// lifetime); a zero lifetime deletes it.
    /// </summary>
    public async Task<TurnResult> RefreshAsync(TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        if (!IsAllocated)
        {
            return TurnResult.Failure(TurnError.NotAllocated, "there is no allocation to refresh");
        }

        var lifetimeSeconds = LifetimeSeconds(lifetime ?? _options.RequestedLifetime);
        var (result, response) = await ExecuteAsync(StunMethod.Refresh, (ref StunMessageWriter w) =>
            w.AddUInt32(StunAttributeType.Lifetime, lifetimeSeconds), cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            if (result.StunErrorCode == StunErrorCodes.AllocationMismatch)
            {
                // 437: the server has no such allocation (it expired or was deleted): ours is gone.
                MarkDeallocated();
            }

            return result;
        }

        var granted = response!.Reader.TryGetUInt32(StunAttributeType.Lifetime, out var seconds) ? seconds : lifetimeSeconds;
        var grantedLifetime = TimeSpan.FromSeconds(granted);
        if (granted == 0)
        {
            MarkDeallocated();
            return TurnResult.Success(TimeSpan.Zero);
        }

        Interlocked.Increment(ref _refreshes);
        lock (_gate)
        {
            _lifetime = grantedLifetime;
            if (!_disposed)
            {
                ScheduleAllocationRefresh(grantedLifetime);
            }
        }

        return TurnResult.Success(grantedLifetime);
    }

    /// <summary>Deletes the allocation now (Refresh with LIFETIME 0, RFC 8656 §7.2).</summary>
    public Task<TurnResult> DeallocateAsync(CancellationToken cancellationToken = default) => RefreshAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Installs a permission for <paramref name="peer"/>'s IP address (RFC 8656 §9; the port is ignored)
    /// and keeps it alive every <see cref="TurnClientOptions.PermissionRefreshInterval"/>.
    /// </summary>
    public async Task<TurnResult> CreatePermissionAsync(StunAddress peer, CancellationToken cancellationToken = default)
    {
        if (!IsAllocated)
        {
            return TurnResult.Failure(TurnError.NotAllocated, "CreatePermission needs an allocation");
        }

        var (result, _) = await ExecuteAsync(StunMethod.CreatePermission, (ref StunMessageWriter w) =>
            w.AddXorAddress(StunAttributeType.XorPeerAddress, peer), cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            var key = WithPort(peer, 0);
            lock (_gate)
            {
                if (!_disposed && !_permissionTimers.ContainsKey(key))
                {
                    _permissionTimers[key] = _time.CreateTimer(
                        static state => ((PeerRefresh)state!).Run(),
                        new PeerRefresh(this, TurnRefreshKind.Permission, peer),
                        _options.PermissionRefreshInterval,
                        _options.PermissionRefreshInterval);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Binds a channel to <paramref name="peer"/> (RFC 8656 §11; this also installs a permission), or
    /// renews the binding it already has, and keeps it alive every <see cref="TurnClientOptions.ChannelRefreshInterval"/>.
    /// </summary>
    public async Task<TurnResult> BindChannelAsync(StunAddress peer, CancellationToken cancellationToken = default)
    {
        ushort channel;
        bool isNew;
        lock (_gate)
        {
            if (!_allocated)
            {
                return TurnResult.Failure(TurnError.NotAllocated, "ChannelBind needs an allocation");
            }

            isNew = !_channelsByPeer.TryGetValue(peer, out channel);
            if (isNew)
            {
                if (_nextChannel >= ChannelCount)
                {
                    return TurnResult.Failure(TurnError.NoChannelAvailable, "all channel numbers 0x4000-0x4FFF are bound");
                }

                channel = (ushort)(ChannelData.FirstChannel + _nextChannel++);
                // Published before the request leaves: the server may relay ChannelData for the
                // channel before its success response reaches us.
                _channelPeers[channel - ChannelData.FirstChannel] = peer;
                Volatile.Write(ref _channelStates[channel - ChannelData.FirstChannel], 1);
                _channelsByPeer[peer] = channel;
            }
        }

        var (result, _) = await ExecuteAsync(StunMethod.ChannelBind, (ref StunMessageWriter w) =>
        {
            w.AddChannelNumber(channel);
            w.AddXorAddress(StunAttributeType.XorPeerAddress, peer);
        }, cancellationToken).ConfigureAwait(false);

        lock (_gate)
        {
            if (!result.IsSuccess)
            {
                if (isNew)
                {
                    // The number is not reused: the server may hold a half-made binding for it.
                    Volatile.Write(ref _channelStates[channel - ChannelData.FirstChannel], 0);
                    _channelsByPeer.TryRemove(peer, out _);
                }

                return result;
            }

            Volatile.Write(ref _channelStates[channel - ChannelData.FirstChannel], 2);
            if (!_disposed && !_channelTimers.ContainsKey(channel))
            {
                _channelTimers[channel] = _time.CreateTimer(
                    static state => ((PeerRefresh)state!).Run(),
                    new PeerRefresh(this, TurnRefreshKind.Channel, peer),
                    _options.ChannelRefreshInterval,
                    _options.ChannelRefreshInterval);
            }
        }

        return TurnResult.Success(channel: channel);
    }

    // One request with the long-term credential dance around it (RFC 8489 §9.2.4, §9.2.5).
    private async Task<(TurnResult Result, StunResponse? Response)> ExecuteAsync(StunMethod method, StunAttributeWriter body, CancellationToken cancellationToken)
    {
        var rejectedWithCredentials = 0;
        for (var attempt = 0; attempt < MaxAuthenticationAttempts; attempt++)
        {
            var transaction = Send(method, body, out var authenticated, out var sentNonce, cancellationToken);
            var outcome = await transaction.ConfigureAwait(false);
            switch (outcome.Status)
            {
                case StunTransactionStatus.Response:
                    break;
                case StunTransactionStatus.TimedOut:
                    return (TurnResult.Failure(TurnError.TimedOut, $"no response to {method} after {outcome.Transmissions} transmissions"), null);
                case StunTransactionStatus.TooManyPending:
                    return (TurnResult.Failure(TurnError.TooManyPending, "too many STUN transactions in flight"), null);
                case StunTransactionStatus.InvalidRequest:
                    return (TurnResult.Failure(TurnError.RequestTooLarge, $"the {method} request does not fit in {RequestBufferSize} bytes"), null);
                default:
                    return (TurnResult.Failure(TurnError.Cancelled, $"{method} was cancelled"), null);
            }

            var response = outcome.Response!;
            if (response.Class == StunClass.SuccessResponse)
            {
                return (TurnResult.Success(), response);
            }

            var code = response.ErrorCode;
            var reason = response.ErrorReason;
            if (code == StunErrorCodes.WrongCredentials)
            {
                return (TurnResult.Failure(TurnError.CredentialsRejected, $"the server rejected user '{_options.Username}': {reason}", code), null);
            }

            if (code is not (StunErrorCodes.Unauthenticated or StunErrorCodes.StaleNonce))
            {
                return (TurnResult.Failure(TurnError.ServerError, $"{method} failed: {reason}", code), null);
            }

            if (!TryTakeChallenge(response, out var nonce))
            {
                return (TurnResult.Failure(TurnError.MalformedResponse, $"{code} without a usable REALM/NONCE", code), null);
            }

            // 401 to a request that carried credentials with the nonce the server still uses means the
            // credentials are wrong (one retry is allowed when the server moved the nonce instead);
            // retrying further would only lock the account out faster.
            if (code == StunErrorCodes.Unauthenticated && authenticated && (nonce == sentNonce || rejectedWithCredentials++ > 0))
            {
                return (TurnResult.Failure(TurnError.CredentialsRejected, $"the server rejected the credentials of user '{_options.Username}' in realm '{Realm}': {reason}", code), null);
            }
        }

        return (TurnResult.Failure(TurnError.NonceNotAccepted, $"{method}: the server kept asking for a new nonce"), null);
    }

    // Takes REALM and NONCE from a 401/438 and derives the key when the realm is new.
    private bool TryTakeChallenge(StunResponse response, out string nonce)
    {
        var reader = response.Reader;
        nonce = string.Empty;
        if (!reader.TryGetAttribute(StunAttributeType.Nonce, out var nonceBytes))
        {
            return false;
        }

        var hasRealm = reader.TryGetAttribute(StunAttributeType.Realm, out var realmBytes);
        nonce = Encoding.UTF8.GetString(nonceBytes);
        var realm = hasRealm ? Encoding.UTF8.GetString(realmBytes) : null;
        lock (_gate)
        {
            realm ??= _realm;
            if (realm is null)
            {
                return false;
            }

            if (realm != _realm || _key is null)
            {
                var key = new byte[StunIntegrity.LongTermKeySize];
                if (!StunIntegrity.TryDeriveLongTermKey(_options.Username, realm, _options.Password, key))
                {
                    // A realm from the server that OpaqueString refuses cannot be keyed (the password was checked
                    // when the options were validated): reported like a challenge without a usable REALM.
                    return false;
                }

                _realm = realm;
                _key = key;
            }

            _nonce = nonce;
        }

        return true;
    }

    private Task<StunTransactionResult> Send(StunMethod method, StunAttributeWriter body, out bool authenticated, out string? nonce, CancellationToken cancellationToken)
    {
        string? realm;
        byte[]? key;
        lock (_gate)
        {
            realm = _realm;
            nonce = _nonce;
            key = _key;
        }

        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var writer = new StunMessageWriter(buffer, method, StunClass.Request, StunTransactionId.NewId());
        body(ref writer);
        if (_options.Software is { } software)
        {
            writer.AddUtf8(StunAttributeType.Software, software);
        }

        authenticated = realm is not null && nonce is not null && key is not null;
        if (authenticated)
        {
            writer.AddUtf8(StunAttributeType.Username, _options.Username);
            writer.AddUtf8(StunAttributeType.Realm, realm!);
            writer.AddUtf8(StunAttributeType.Nonce, nonce!);
            writer.AddMessageIntegrity(key);
        }

        writer.AddFingerprint();
        if (!writer.TryGetMessage(out var message))
        {
            // Only an oversized realm/nonce/username from the server or the options gets here.
            return Task.FromResult(new StunTransactionResult(StunTransactionStatus.InvalidRequest, null, 0));
        }

        return _stun.SendRequestAsync(message, cancellationToken);
    }

    // Must hold _gate.
    private void ScheduleAllocationRefresh(TimeSpan lifetime)
    {
        var due = lifetime * _options.RefreshFraction;
        if (_allocationTimer is null)
        {
            _allocationTimer = _time.CreateTimer(static state => ((TurnClient)state!).RefreshInBackground(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _allocationTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void RefreshInBackground()
    {
        _ = Task.Run(async () =>
        {
            var result = await RefreshAsync().ConfigureAwait(false);
            _options.RefreshCompleted?.Invoke(TurnRefreshKind.Allocation, result);
        });
    }

    private void MarkDeallocated()
    {
        lock (_gate)
        {
            _allocated = false;
            _lifetime = TimeSpan.Zero;
            StopTimers();
            _channelsByPeer.Clear();
            for (var i = 0; i < ChannelCount; i++)
            {
                Volatile.Write(ref _channelStates[i], 0);
            }
        }
    }

    private static uint LifetimeSeconds(TimeSpan lifetime) => (uint)Math.Min(uint.MaxValue, Math.Max(0, lifetime.TotalSeconds));

    private static StunAddress WithPort(StunAddress address, ushort port)
    {
        Span<byte> bytes = stackalloc byte[16];
        var length = address.WriteAddressBytes(bytes);
        StunAddress.TryCreate(bytes.Slice(0, length), port, out var result);
        return result;
    }

    // State of a periodic permission or channel refresh, bound to its timer.
    private sealed class PeerRefresh(TurnClient client, TurnRefreshKind kind, StunAddress peer)
    {
        public void Run()
        {
            _ = Task.Run(async () =>
            {
                var result = kind == TurnRefreshKind.Channel
                    ? await client.BindChannelAsync(peer).ConfigureAwait(false)
                    : await client.CreatePermissionAsync(peer).ConfigureAwait(false);
                client._options.RefreshCompleted?.Invoke(kind, result);
            });
        }
    }
}
