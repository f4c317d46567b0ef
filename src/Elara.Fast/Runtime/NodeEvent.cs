using System.Net;
using System.Threading.Channels;
using Elara.Fast.Primitives;

namespace Elara.Fast.Runtime;

/// <summary>What happened to a node, a session or a participant.</summary>
public enum NodeEventKind
{
    /// <summary>Events were lost because the subscriber read too slowly; <see cref="NodeEvent.Missed"/> says how many.</summary>
    Gap = 0,

    /// <summary>This node joined <see cref="NodeEvent.Session"/> (it is now Active).</summary>
    SessionJoined,

    /// <summary>This node left or closed <see cref="NodeEvent.Session"/>.</summary>
    SessionLeft,

    /// <summary><see cref="NodeEvent.Peer"/> joined <see cref="NodeEvent.Session"/>.</summary>
    ParticipantJoined,

    /// <summary><see cref="NodeEvent.Peer"/> left <see cref="NodeEvent.Session"/> (said goodbye).</summary>
    ParticipantLeft,

    /// <summary><see cref="NodeEvent.Peer"/> was silent past the peer timeout and was removed.</summary>
    ParticipantTimedOut,

    /// <summary>A peer was refused (or refused us): <see cref="NodeEvent.Reason"/> says why.</summary>
    Refused,

    /// <summary>The node's or a peer link's degradation level changed (<see cref="NodeEvent.Level"/>).</summary>
    DegradationChanged,

    /// <summary><see cref="NodeEvent.Peer"/> now sends from a new address (<see cref="NodeEvent.EndPoint"/>).</summary>
    PeerRoamed,

    /// <summary>The keys of a peer link were replaced by a new handshake.</summary>
    Rekeyed,
}

/// <summary>Why a join was refused or a participant left (travels in SessionLeave events).</summary>
public enum LeaveReason : byte
{
    /// <summary>A goodbye: the peer left on purpose.</summary>
    Goodbye = 0,

    /// <summary>The responder holds no session with that id.</summary>
    UnknownSession = 1,

    /// <summary>The responder is at its <see cref="NodeConfig.MaxPeers"/>.</summary>
    MaxPeers = 2,

    /// <summary>The node is shutting down.</summary>
    ShuttingDown = 3,

    /// <summary>Silent past the peer timeout.</summary>
    TimedOut = 4,

    /// <summary>The handshake did not complete (no answer, or the responder failed to authenticate).</summary>
    HandshakeFailed = 5,
}

/// <summary>One node, session or participant event, as a subscriber reads it.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Session">The session, or default for node-wide events.</param>
/// <param name="Peer">The peer, or <see cref="NodeId.None"/>.</param>
/// <param name="Reason">For refusals and departures.</param>
/// <param name="Level">For <see cref="NodeEventKind.DegradationChanged"/>: the new level.</param>
/// <param name="EndPoint">For roaming: the new address.</param>
/// <param name="Missed">For <see cref="NodeEventKind.Gap"/>: how many events were lost before this one.</param>
public readonly record struct NodeEvent(
    NodeEventKind Kind,
    SessionId Session = default,
    NodeId Peer = default,
    LeaveReason Reason = LeaveReason.Goodbye,
    DegradationLevel Level = DegradationLevel.L0,
    IPEndPoint? EndPoint = null,
    long Missed = 0);

/// <summary>
/// A bounded subscription to a node's events. A slow reader never slows the node: when the queue is full, new
/// events are counted instead of queued, and the next event read is a <see cref="NodeEventKind.Gap"/> that says how
/// many were lost, so nothing is dropped silently.
/// </summary>
public sealed class NodeEventSubscription : IDisposable
{
    private readonly Channel<NodeEvent> _channel;
    private readonly Action<NodeEventSubscription> _unsubscribe;
    private long _missed;
    private long _unreported;

    internal NodeEventSubscription(int capacity, Action<NodeEventSubscription> unsubscribe)
    {
        _channel = Channel.CreateBounded<NodeEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = false,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full, so the loss is counted below
        });
        _unsubscribe = unsubscribe;
    }

    /// <summary>Events lost so far because the queue was full.</summary>
    public long Missed => Interlocked.Read(ref _missed);

    /// <summary>Reads the events, oldest first, until the subscription is disposed or the node stops.</summary>
    public async IAsyncEnumerable<NodeEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryRead(out var item))
            {
                yield return item;
            }
        }
    }

    /// <summary>Takes the next event if one is waiting.</summary>
    public bool TryRead(out NodeEvent nodeEvent) => _channel.Reader.TryRead(out nodeEvent);

    /// <summary>Waits for the next event that satisfies <paramref name="match"/>, up to <paramref name="timeout"/>.</summary>
    /// <returns>The event, or null when the time ran out or the subscription ended.</returns>
    public async Task<NodeEvent?> WaitForAsync(Func<NodeEvent, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _channel.Reader.WaitToReadAsync(cts.Token).ConfigureAwait(false))
            {
                while (TryRead(out var item))
                {
                    if (match(item))
                    {
                        return item;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }

        return null;
    }

    /// <summary>Ends the subscription.</summary>
    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _unsubscribe(this);
    }

    internal void Publish(in NodeEvent nodeEvent)
    {
        // The Gap goes into the queue in the place where the events were lost, before the next event written.
        var unreported = Interlocked.Read(ref _unreported);
        if (unreported > 0)
        {
            if (!_channel.Writer.TryWrite(new NodeEvent(NodeEventKind.Gap, Missed: unreported)))
            {
                Lost();
                return;
            }

            Interlocked.Add(ref _unreported, -unreported);
        }

        if (!_channel.Writer.TryWrite(nodeEvent))
        {
            Lost();
        }
    }

    private void Lost()
    {
        Interlocked.Increment(ref _missed);
        Interlocked.Increment(ref _unreported);
    }

    internal void Complete() => _channel.Writer.TryComplete();
}
