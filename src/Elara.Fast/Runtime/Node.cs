using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Ring;
using Elara.Fast.Sessions;
using Elara.Fast.Time;
using Elara.Fast.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Elara.Fast.Runtime;

/// <summary>
/// One ELARA node: a bound transport, the ingress pipeline (Open → Dispatch → Apply on one stage thread), the
/// egress pipeline (Seal → Transmit on another), handshakes, sessions and their participants (docs/node.md).
/// </summary>
/// <remarks>
/// <para><b>Threads.</b> The transport's receive thread lands datagrams in the ingress ring; the Apply thread runs
/// every ingress stage on them in one pass and is the only thread that changes sessions, links and state; the
/// Transmit thread seals and sends what the egress ring holds. Public methods are thread-safe: they post commands
/// into the ingress ring (or, for unreliable media, write frames straight into the egress ring), never take a lock
/// on the hot path, and never wait for the Apply thread while holding anything.</para>
/// <para><b>Lifecycle.</b> <see cref="CreateAsync"/> binds and starts the stages, so sessions can be created and
/// joined at once; <see cref="RunAsync"/> waits until it is cancelled (or a stage faults);
/// <see cref="DisposeAsync"/> says goodbye to every peer, drains the egress ring and closes the socket.</para>
/// </remarks>
public sealed partial class Node : IAsyncDisposable, ISessionHost
{
    private readonly NodeConfig _config;
    private readonly NodeIdentity _identity;
    private readonly bool _ownsIdentity;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IDatagramTransport _transport;
    private readonly IngressRing _ingress;
    private readonly EgressRing _egress;
    private readonly BatchEventProcessor<ReceivedDatagram, IngressHandler> _processor;
    private readonly TransmitStage _transmit;
    private readonly HandshakeResponder _responder;
    private readonly HandshakeOptions _handshakeOptions;
    private readonly TimeEngine _timeEngine;
    private readonly Random _random;
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly NodeMetrics _metrics;
    private readonly ITimer _ticker;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _subscriptionGate = new();
    private NodeEventSubscription[] _subscriptions = [];
    private Transport.Stun.StunClient[] _stunClients = [];
    private IReadOnlyDictionary<SessionId, Session> _sessionSnapshot = new Dictionary<SessionId, Session>();
    private IFrameHandler? _handler;
    private int _disposed;
    private int _peerCount;

    private Node(NodeConfig config, NodeIdentity identity, bool ownsIdentity, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
    {
        _config = config;
        _identity = identity;
        _ownsIdentity = ownsIdentity;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Elara.Fast.Node");
        _time = config.TimeProvider;
        // Session ids, jitter and predictors draw from the configured entropy mixed with the node id, so two nodes
        // with the same setting still pick different session ids.
        _random = new Random(unchecked((int)(config.PredictionEntropy ^ (config.PredictionEntropy >> 32) ^ identity.NodeId.Value ^ (identity.NodeId.Value >> 32))));
        _handshakeOptions = new HandshakeOptions { TimeProvider = _time };
        _responder = new HandshakeResponder(identity, _handshakeOptions);
        _timeEngine = new TimeEngine(_time, new TimeEngineOptions { MaxPeers = Math.Max(16, config.MaxPeers) }, _logger);
        _ingress = new IngressRing(config.EventBufferSize, waitStrategy: config.CreateWaitStrategy());
        _egress = new EgressRing(config.EventBufferSize, waitStrategy: config.CreateWaitStrategy());
        _transport = CreateTransport(config, _logger);
        try
        {
            _processor = new BatchEventProcessor<ReceivedDatagram, IngressHandler>(
                _ingress.Ring, new IngressHandler(this), exceptionHandler: new ApplyExceptionHandler(this));
            _ingress.Ring.AddGatingSequences(_processor.Sequence);
            _transmit = new TransmitStage(_egress, _transport, _logger);
            Counters = new NodeCounters();
            _metrics = new NodeMetrics(this, meterFactory);
            InitializeTiming();
            _ticker = _time.CreateTimer(static state => ((Node)state!).PostControl(ControlType.Tick), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        catch
        {
            _transport.Dispose();
            throw;
        }
    }

    /// <summary>This node's id: the fingerprint of its identity key.</summary>
    public NodeId NodeId => _identity.NodeId;

    /// <summary>This node's identity (public keys: what peers need to reach it with IK).</summary>
    public NodeIdentity Identity => _identity;

    /// <summary>The bound local endpoint (the real port when bound to port 0).</summary>
    public IPEndPoint LocalEndPoint => _transport.LocalEndPoint;

    /// <summary>The configuration the node runs with.</summary>
    public NodeConfig Config => _config;

    /// <summary>Everything the node counts.</summary>
    public NodeCounters Counters { get; }

    /// <summary>The transport's own counters (datagrams received, sent, dropped before the ring).</summary>
    public TransportCounters TransportCounters => _transport.Counters;

    /// <summary>The sessions this node is in, by id (a snapshot).</summary>
    public IReadOnlyDictionary<SessionId, Session> Sessions => Volatile.Read(ref _sessionSnapshot);

    /// <summary>The node's degradation level now.</summary>
    public DegradationLevel Level => (DegradationLevel)Volatile.Read(ref _nodeLevel);

    /// <summary>Entries waiting in the ingress ring for the Apply stage (its lag).</summary>
    public long IngressLag => _processor.Lag;

    /// <summary>Frames waiting in the egress ring for the Transmit stage.</summary>
    public long EgressLag => _egress.Ring.Cursor - _transmit.Sequence.Value;

    /// <summary>Peer links (one per remote node and session).</summary>
    public int PeerCount => Volatile.Read(ref _peerCount);

    /// <summary>Frames the Transmit stage did not send because sealing failed (keys exhausted, channel retired).</summary>
    public long SealFailures => _egress.SealFailures;

    /// <summary>The ring size (entries of each ring).</summary>
    public int RingSize => _ingress.Ring.Size;

    /// <summary>
    /// Creates a node: validates <paramref name="config"/>, loads or makes the identity, binds the transport and
    /// starts the stage threads.
    /// </summary>
    /// <exception cref="ArgumentException">The configuration has problems (all of them are in the message).</exception>
    public static Task<Node> CreateAsync(NodeConfig config, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = config.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The node configuration has problems:" + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", problems), nameof(config));
        }

        var owns = config.Identity is null;
        var identity = config.Identity ?? (config.IdentityPath is { } path ? NodeIdentity.Load(path) : NodeIdentity.Generate());
        if (config.NodeId is { } expected && expected != identity.NodeId)
        {
            if (owns)
            {
                identity.Dispose();
            }

            throw new ArgumentException($"NodeId {expected} does not match the identity's node id {identity.NodeId}.", nameof(config));
        }

        Node node;
        try
        {
            node = new Node(config, identity, owns, loggerFactory, meterFactory);
        }
        catch
        {
            if (owns)
            {
                identity.Dispose();
            }

            throw;
        }

        node.Start();
        return Task.FromResult(node);
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled or the node is disposed; throws if a stage faulted.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        using var registration = cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), _stopped);
        await _stopped.Task.ConfigureAwait(false);
        if (_processor.Fault is { } fault)
        {
            throw new InvalidOperationException("The node's Apply stage faulted.", fault);
        }
    }

    /// <summary>Sets the handler that receives application payloads on the Apply thread (null: none).</summary>
    public void SetFrameHandler(IFrameHandler? handler) => Volatile.Write(ref _handler, handler);

    /// <summary>Subscribes to node, session and participant events (bounded; a slow reader sees a Gap, never a silent loss).</summary>
    /// <param name="capacity">Events kept for the reader before new ones are counted as missed.</param>
    public NodeEventSubscription Subscribe(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var subscription = new NodeEventSubscription(capacity, Unsubscribe);
        lock (_subscriptionGate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            subscription.Complete();
        }

        return subscription;
    }

    /// <summary>Creates a new session with this node as its only participant; others join it by its id.</summary>
    public Task<Session> CreateSessionAsync() => CreateSessionAsync(null);

    /// <summary>Creates a session with a chosen id (for ids agreed elsewhere, e.g. a directory); fails if it exists or is reserved.</summary>
    /// <exception cref="ArgumentException">The id is 0 or its low 32 bits equal the STUN magic cookie (reserved).</exception>
    public Task<Session> CreateSessionAsync(SessionId? id)
    {
        if (id is { } chosen && IsReserved(chosen))
        {
            throw new ArgumentException($"Session id {chosen} is reserved (0, or low 32 bits equal to the STUN magic cookie 0x2112A442).", nameof(id));
        }

        return Post<Session>(completion =>
        {
            var sessionId = id ?? NewSessionId();
            if (_sessions.ContainsKey(sessionId))
            {
                completion.TrySetException(new InvalidOperationException($"This node is already in session {sessionId}."));
                return;
            }

            var session = new Session(sessionId, this, NodeId, SessionState.Active);
            AddSession(session);
            NodeLog.SessionCreated(_logger, sessionId);
            completion.TrySetResult(session);
        });
    }

    /// <summary>
    /// Joins session <paramref name="sessionId"/> through the node at <paramref name="peer"/>: Noise IK when its
    /// static key is given (it is authenticated before it answers), XX otherwise. Completes once the session has
    /// answered and this node has connected to every participant the answer named.
    /// </summary>
    /// <exception cref="SessionJoinException">Refused (with the other side's reason) or not answered within <see cref="NodeConfig.JoinTimeout"/>.</exception>
    public Task<Session> JoinAsync(SessionId sessionId, IPEndPoint peer, ReadOnlyMemory<byte> peerStaticKey = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!peerStaticKey.IsEmpty && peerStaticKey.Length != NodeIdentity.StaticKeyLength)
        {
            throw new ArgumentException($"A peer's static key is {NodeIdentity.StaticKeyLength} bytes.", nameof(peerStaticKey));
        }

        var address = RawSocketAddress.FromEndPoint(peer, _transport.AddressFamily);
        var key = peerStaticKey.ToArray();
        return Post<Session>(completion => BeginJoin(sessionId, address, key, completion));
    }

    /// <summary>Leaves <paramref name="session"/>: says goodbye to every participant and closes it here.</summary>
    public Task LeaveAsync(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Post<bool>(completion => BeginLeave(session, LeaveReason.Goodbye, completion));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Goodbyes go out through the Apply thread (it owns the links), then the egress ring drains.
        try
        {
            var goodbye = Post<bool>(completion => SayGoodbyeToAll(completion));
            await goodbye.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        var drainUntil = DateTime.UtcNow.AddMilliseconds(500);
        while (EgressLag > 0 && DateTime.UtcNow < drainUntil && _processor.IsRunning)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }

        _ticker.Dispose();
        _stopping.Cancel();
        _processor.Halt();
        _transmit.Dispose();
        _transport.Dispose();
        DisposeLinksAndHandshakes();
        _responder.Dispose();
        _metrics.Dispose();
        NodeEventSubscription[] subscriptions;
        lock (_subscriptionGate)
        {
            subscriptions = _subscriptions;
            _subscriptions = [];
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Complete();
        }

        foreach (var command in _commands)
        {
            _ = command; // commands posted after the stop are abandoned; their tasks were failed by Post
        }

        if (_ownsIdentity)
        {
            _identity.Dispose();
        }

        NodeLog.Stopped(_logger, NodeId);
        _stopped.TrySetResult();
        _stopping.Dispose();
    }

    /// <summary>
    /// Asks the servers of <see cref="NodeConfig.StunServers"/>, in order, for this node's public address: a STUN
    /// Binding request sent from the node's own socket, so the answer is the address peers see.
    /// </summary>
    /// <returns>The mapped address, or null when no server is configured or none answered.</returns>
    public async Task<IPEndPoint?> QueryPublicEndPointAsync(CancellationToken cancellationToken = default)
    {
        foreach (var server in _config.StunServers)
        {
            var destination = RawSocketAddress.FromEndPoint(server, _transport.AddressFamily);
            using var client = new Transport.Stun.StunClient(
                datagram => _egress.TryEnqueue(datagram, destination), new Transport.Stun.StunClientOptions { TimeProvider = _time });
            lock (_subscriptionGate)
            {
                _stunClients = [.. _stunClients, client];
            }

            try
            {
                var result = await client.BindingAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsSuccess)
                {
                    return result.MappedAddress.ToIPEndPoint();
                }
            }
            finally
            {
                lock (_subscriptionGate)
                {
                    _stunClients = Array.FindAll(_stunClients, c => c != client);
                }
            }
        }

        return null;
    }

    Task ISessionHost.LeaveAsync(Session session) => LeaveAsync(session);

    private static IDatagramTransport CreateTransport(NodeConfig config, ILogger logger)
    {
        if (config.TransportFactory is { } factory)
        {
            return factory(config.BindAddress) ?? throw new InvalidOperationException("The transport factory returned null.");
        }

        var mode = config.Transport switch
        {
            NodeTransportMode.Portable => SocketTransportMode.Portable,
            NodeTransportMode.LinuxKernelBatch => SocketTransportMode.LinuxKernelBatch,
            _ => SocketTransportMode.Automatic,
        };
        return DatagramTransport.Create(new SocketTransportOptions { BindEndPoint = config.BindAddress, Mode = mode, DualMode = config.BindAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 }, logger);
    }

    private static bool IsReserved(SessionId id) => id.Value == 0 || (uint)id.Value == StunMagicCookie;

    private const uint StunMagicCookie = 0x2112A442;

    private SessionId NewSessionId()
    {
        while (true)
        {
            var value = (ulong)_random.NextInt64() ^ ((ulong)_random.Next() << 63);
            var id = new SessionId(value);
            if (!IsReserved(id) && !_sessions.ContainsKey(id))
            {
                return id;
            }
        }
    }

    private void Start()
    {
        _transport.Start(_ingress);
        _processor.Start("elara-apply");
        _transmit.Start();
        _ticker.Change(_config.TickInterval, _config.TickInterval);
        NodeLog.Started(_logger, NodeId, LocalEndPoint, _transport.GetType().Name, _ingress.Ring.Size);
    }

    private void Unsubscribe(NodeEventSubscription subscription)
    {
        lock (_subscriptionGate)
        {
            var index = Array.IndexOf(_subscriptions, subscription);
            if (index >= 0)
            {
                var next = new NodeEventSubscription[_subscriptions.Length - 1];
                Array.Copy(_subscriptions, 0, next, 0, index);
                Array.Copy(_subscriptions, index + 1, next, index, next.Length - index);
                _subscriptions = next;
            }
        }
    }

    private void Raise(in NodeEvent nodeEvent)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            subscription.Publish(nodeEvent);
        }
    }

    /// <summary>Runs <paramref name="command"/> on the Apply thread and returns its completion.</summary>
    private Task<T> Post<T>(Action<TaskCompletionSource<T>> command)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Volatile.Read(ref _disposed) != 0 && !_processor.IsRunning)
        {
            completion.SetException(new ObjectDisposedException(nameof(Node)));
            return completion.Task;
        }

        _commands.Enqueue(() =>
        {
            try
            {
                command(completion);
            }
            catch (Exception exception)
            {
                NodeLog.CommandFaulted(_logger, exception);
                completion.TrySetException(exception);
            }
        });
        // The wake-up may find the ring full; the next tick or batch end drains the queue anyway.
        PostControl(ControlType.Wake);
        return completion.Task;
    }

    private void AddSession(Session session)
    {
        var streams = session.StreamState;
        streams.MaxItems = _config.FeedMaxItems;
        streams.MaxBytes = _config.FeedMaxBytes;
        streams.FollowerBacklog = _config.FeedFollowerBacklog;
        streams.TypingTtl = ToTimestamp(_config.TypingTimeout);
        _sessions.Add(session.SessionId, session);
        Volatile.Write(ref _sessionSnapshot, new Dictionary<SessionId, Session>(_sessions));
    }

    private void RemoveSession(Session session)
    {
        if (_sessions.Remove(session.SessionId))
        {
            Volatile.Write(ref _sessionSnapshot, new Dictionary<SessionId, Session>(_sessions));
        }

        session.SetState(SessionState.Closed);
        session.StreamState.Close();
    }

    /// <summary>Routes a fault of the Apply stage's handler to the log and keeps the loop alive.</summary>
    private sealed class ApplyExceptionHandler(Node node) : IExceptionHandler<ReceivedDatagram>
    {
        public void HandleEventException(Exception exception, long sequence, ref ReceivedDatagram entry)
        {
            node.Counters.HandlerFaults++;
            NodeLog.CommandFaulted(node._logger, exception);
        }

        public void HandleCallbackException(Exception exception, string callback) => NodeLog.CommandFaulted(node._logger, exception);
    }
}
