using Elara.Fast.Primitives;
using Microsoft.Extensions.Logging;

namespace Elara.Fast.Time;

/// <summary>
/// The dual clock of one node: τp (<see cref="Perceptual"/>), τs (<see cref="State"/>) and what it knows of every
/// peer's clock. Single-threaded: the runtime calls it from its Apply stage and its timer tick.
/// </summary>
/// <remarks>
/// Consensus: τs aims at the median of the τs offsets (τs − our τp) of this node and of every peer with an
/// estimate. Every node doing the same converges on one timeline; the median keeps one wrong or jumping clock
/// among three or more from dragging the session along. When the median is more than the step threshold ahead,
/// this node is the one far behind: it steps once to the peers' median (without its own vote, which would leave
/// it half way and needing a second step). When it is that far behind us, we hold and let the others step up:
/// τs never goes backwards, so a session only ever catches up.
/// </remarks>
internal sealed class TimeEngine
{
    private readonly TimeEngineOptions _options;
    private readonly ILogger? _logger;
    private readonly Dictionary<NodeId, PeerClock> _peers;
    private readonly long[] _scratch;

    /// <summary>An engine on <paramref name="provider"/>, with τs starting equal to τp.</summary>
    public TimeEngine(TimeProvider provider, TimeEngineOptions? options = null, ILogger? logger = null)
    {
        _options = options ?? new TimeEngineOptions();
        _options.Validate();
        _logger = logger;
        Perceptual = new PerceptualClock(provider);
        State = new StateClock(Perceptual, _options, logger);
        _peers = new Dictionary<NodeId, PeerClock>(_options.MaxPeers);
        _scratch = new long[_options.MaxPeers + 1];
    }

    /// <summary>τp.</summary>
    public PerceptualClock Perceptual { get; }

    /// <summary>τs.</summary>
    public StateClock State { get; }

    /// <summary>Peers tracked.</summary>
    public int PeerCount => _peers.Count;

    /// <summary>Samples dropped because <see cref="TimeEngineOptions.MaxPeers"/> peers were already tracked.</summary>
    public long PeersRefused { get; private set; }

    /// <summary>The clock estimate of <paramref name="peer"/>, if any sample of it was seen.</summary>
    public bool TryGetPeer(NodeId peer, out PeerClock clock) => _peers.TryGetValue(peer, out clock!);

    /// <summary>
    /// Starts tracking <paramref name="peer"/> before its first sample, so the clock's buffers are allocated when the
    /// peer joins and not on the data path; false when <see cref="TimeEngineOptions.MaxPeers"/> are already tracked.
    /// </summary>
    public bool TrackPeer(NodeId peer) => GetOrAdd(peer) is not null;

    /// <summary>Forgets a peer that left.</summary>
    public bool RemovePeer(NodeId peer) => _peers.Remove(peer);

    /// <summary>Starts an exchange: T1, to put in the TimeSync request.</summary>
    public long BeginTimeSync() => Perceptual.Now;

    /// <summary>
    /// Answers a peer's TimeSync request that arrived at τp <paramref name="requestArrival"/>: T2 (τp on arrival),
    /// T3 (τp now, as the reply leaves) and this node's τs − τp, so the peer can place our τs.
    /// </summary>
    public (long T2, long T3, long StateOffset) AnswerTimeSync(long requestArrival)
    {
        var t3 = Perceptual.Now;
        State.Advance(t3);
        return (Math.Min(requestArrival, t3), t3, State.Offset);
    }

    /// <summary>Completes an exchange with <paramref name="peer"/> whose reply arrived now.</summary>
    public TimeSampleStatus CompleteTimeSync(NodeId peer, long t1, long t2, long t3, long peerStateOffset)
        => CompleteTimeSync(peer, new TimeSyncSample(t1, t2, t3, Perceptual.Now), peerStateOffset);

    /// <summary>Completes an exchange with <paramref name="peer"/> whose four timestamps are known.</summary>
    public TimeSampleStatus CompleteTimeSync(NodeId peer, in TimeSyncSample sample, long peerStateOffset)
    {
        var clock = GetOrAdd(peer);
        return clock is null ? TimeSampleStatus.Malformed : clock.AddTimeSync(sample, peerStateOffset);
    }

    /// <summary>A frame from <paramref name="peer"/> stamped at its τs <paramref name="senderTime"/> arrived now (jitter).</summary>
    public void OnFrame(NodeId peer, long senderTime) => GetOrAdd(peer)?.AddOneWay(senderTime, Perceptual.Now);

    /// <summary>
    /// The τs time of an event whose frame from <paramref name="peer"/> carried <paramref name="timeHint"/>: the
    /// hint is relative to the sender's τs when it sent the frame, which on the shared timeline is our τs now less
    /// the one-way delay (half the round trip).
    /// </summary>
    public long DecodeEventTime(NodeId peer, int timeHint)
    {
        var now = State.Now;
        var oneWay = _peers.TryGetValue(peer, out var clock) ? clock.RoundTrip / 2 : 0;
        return TimeHint.Decode(timeHint, now - oneWay);
    }

    /// <summary>Encodes an event time for a frame we send now.</summary>
    public int EncodeEventTime(long eventTime, out bool saturated) => TimeHint.Encode(eventTime, State.Now, out saturated);

    /// <summary>Points τs at the consensus of the peers' clocks (call on each timer tick or after new samples).</summary>
    public StateClockAdjustment UpdateConsensus()
    {
        var now = Perceptual.Now;
        State.Advance(now);
        var own = State.Offset;
        var count = 0;
        foreach (var clock in _peers.Values)
        {
            if (clock.HasEstimate)
            {
                _scratch[count++] = clock.EstimateStateOffset(now);
            }
        }

        if (count == 0)
        {
            return StateClockAdjustment.None;
        }

        var peersOnly = Median(_scratch.AsSpan(0, count));
        _scratch[count++] = own;
        var median = Median(_scratch.AsSpan(0, count));
        if (median - own > _options.StepThreshold)
        {
            return State.SetTargetOffset(peersOnly);
        }

        // Far ahead of the rest: hold, they will step forward to us (slewing back 1 s would take 20 s for nothing).
        return own - median > _options.StepThreshold ? State.SetTargetOffset(own) : State.SetTargetOffset(median);
    }

    /// <summary>The median; with an even count the mean of the middle two, so two nodes meet half way.</summary>
    private static long Median(Span<long> values)
    {
        values.Sort();
        var n = values.Length;
        return (n & 1) == 1 ? values[n / 2] : (long)(((Int128)values[(n / 2) - 1] + values[n / 2]) / 2);
    }

    private PeerClock? GetOrAdd(NodeId peer)
    {
        if (_peers.TryGetValue(peer, out var clock))
        {
            return clock;
        }

        if (_peers.Count >= _options.MaxPeers)
        {
            PeersRefused++;
            return null;
        }

        clock = new PeerClock(peer, _options, _logger);
        _peers.Add(peer, clock);
        return clock;
    }
}
