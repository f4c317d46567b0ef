using System.Collections.Concurrent;
using Elara.Fast.Transport.Stun;

namespace Elara.Fast.Transport.Turn;

/// <summary>
/// A TURN client over UDP (RFC 8656): one allocation on one server, with long-term credentials
/// (RFC 8489 §9.2), automatic refresh of the allocation, permissions and channel bindings before they
/// expire, Send/Data indications and ChannelData, and deallocation on disposal.
/// </summary>
/// <remarks>
/// Transport-agnostic so it can share the node's socket: requests and relayed data leave through a
/// <see cref="DatagramSender"/> to the server, and the socket's owner feeds every STUN or ChannelData
/// datagram from the server to <see cref="HandleDatagram"/> (the demultiplexer in
/// <see cref="DatagramClassifier"/> tells them apart from ELARA frames). Relayed data is handed to a
/// <see cref="TurnDataHandler"/> without allocating; control operations (Allocate, Refresh, …) are
/// asynchronous and return a <see cref="TurnResult"/> with a typed error instead of throwing.
/// The data path (send, receive) is lock-free; control state is guarded by one lock.
/// </remarks>
public sealed partial class TurnClient : IAsyncDisposable
{
    private const byte UdpProtocolNumber = 17;   // REQUESTED-TRANSPORT value for UDP (RFC 8656 §18.7)
    private const int ChannelCount = ChannelData.LastChannel - ChannelData.FirstChannel + 1;

    private readonly DatagramSender _send;
    private readonly TurnClientOptions _options;
    private readonly TurnDataHandler _onData;
    private readonly StunClient _stun;
    private readonly TimeProvider _time;

    // Guards the control state below (credentials, allocation, timers, channel allocation).
    private readonly Lock _gate = new();
    private string? _realm;
    private string? _nonce;
    // Read by the receive thread to check response integrity; replaced (never mutated) under _gate,
    // and a reference write is atomic, so a reader sees either the old or the new key.
    private volatile byte[]? _key;
    private bool _allocated;
    private bool _disposed;
    private StunAddress _relayedAddress;
    private StunAddress _mappedAddress;
    private TimeSpan _lifetime;
    private ITimer? _allocationTimer;
    private readonly Dictionary<StunAddress, ITimer> _permissionTimers = [];
    private readonly Dictionary<ushort, ITimer> _channelTimers = [];
    private int _nextChannel;

    // Channel table for the data path. A peer is written before its state is published with a
    // Volatile.Write (release) and read after a Volatile.Read (acquire) of the state, so a reader that
    // sees the state also sees the whole peer. State: 0 free, 1 binding (requested), 2 bound.
    private readonly StunAddress[] _channelPeers = new StunAddress[ChannelCount];
    private readonly int[] _channelStates = new int[ChannelCount];
    private readonly ConcurrentDictionary<StunAddress, ushort> _channelsByPeer = new();

    private long _relayedDatagramsReceived;
    private long _droppedDatagrams;
    private long _integrityFailures;
    private long _refreshes;

    /// <summary>A client that sends to the server through <paramref name="sendToServer"/> and hands relayed data to <paramref name="onData"/>.</summary>
    public TurnClient(DatagramSender sendToServer, TurnClientOptions options, TurnDataHandler onData)
    {
        ArgumentNullException.ThrowIfNull(sendToServer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(onData);
        options.Validate();
        _send = sendToServer;
        _options = options;
        _onData = onData;
        _time = options.Stun.TimeProvider;
        _stun = new StunClient(sendToServer, options.Stun);
    }

    /// <summary>True between a successful Allocate and its deallocation or loss.</summary>
    public bool IsAllocated
    {
        get
        {
            lock (_gate)
            {
                return _allocated;
            }
        }
    }

    /// <summary>The relayed transport address peers send to (valid while <see cref="IsAllocated"/>).</summary>
    public StunAddress RelayedAddress
    {
        get
        {
            lock (_gate)
            {
                return _relayedAddress;
            }
        }
    }

    /// <summary>The client's reflexive address as the server saw it in Allocate.</summary>
    public StunAddress MappedAddress
    {
        get
        {
            lock (_gate)
            {
                return _mappedAddress;
            }
        }
    }

    /// <summary>The lifetime the server last granted.</summary>
    public TimeSpan Lifetime
    {
        get
        {
            lock (_gate)
            {
                return _lifetime;
            }
        }
    }

    /// <summary>The realm the server announced (after the first 401), or null.</summary>
    public string? Realm
    {
        get
        {
            lock (_gate)
            {
                return _realm;
            }
        }
    }

    /// <summary>Data and ChannelData messages delivered to the handler.</summary>
    public long RelayedDatagramsReceived => Interlocked.Read(ref _relayedDatagramsReceived);

    /// <summary>Datagrams from the server that were malformed, unexpected or for an unknown channel.</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _droppedDatagrams);

    /// <summary>Success responses discarded because their MESSAGE-INTEGRITY did not verify (RFC 8489 §9.2.5).</summary>
    public long IntegrityFailures => Interlocked.Read(ref _integrityFailures);

    /// <summary>Successful allocation refreshes (automatic or explicit).</summary>
    public long Refreshes => Interlocked.Read(ref _refreshes);

    /// <summary>The channel bound to <paramref name="peer"/>, if its ChannelBind succeeded.</summary>
    public bool TryGetChannel(StunAddress peer, out ushort channel)
        => _channelsByPeer.TryGetValue(peer, out channel) && Volatile.Read(ref _channelStates[channel - ChannelData.FirstChannel]) == 2;

    /// <summary>Deallocates (Refresh with lifetime 0, RFC 8656 §7) when allocated, then stops every timer and transaction.</summary>
    public async ValueTask DisposeAsync()
    {
        bool allocated;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            allocated = _allocated;
        }

        if (allocated)
        {
            using var timeout = new CancellationTokenSource(_options.DeallocateTimeout, _time);
            await DeallocateAsync(timeout.Token).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _disposed = true;
            StopTimers();
        }

        _stun.Dispose();
    }

    // Must hold _gate.
    private void StopTimers()
    {
        _allocationTimer?.Dispose();
        _allocationTimer = null;
        foreach (var timer in _permissionTimers.Values)
        {
            timer.Dispose();
        }

        foreach (var timer in _channelTimers.Values)
        {
            timer.Dispose();
        }

        _permissionTimers.Clear();
        _channelTimers.Clear();
    }
}
