using System.Buffers.Binary;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Sessions;

namespace Elara.Fast.Runtime;

/// <summary>Periodic work on the Apply thread: retransmission, keepalives and TimeSync, timeouts, rekeys, degradation.</summary>
public sealed partial class Node
{
    private long _tickTicks;
    private long _highWater;
    private int _maxTimeHint;
    private int _nodeLevel;
    private long _nodeLevelLowSince;
    private long _statsIntervalTicks;

    private void InitializeTiming()
    {
        _tickTicks = ToTimestamp(_config.TickInterval);
        _highWater = (long)(_config.EventBufferSize * _config.Degradation.HighWaterMark);
        _maxTimeHint = (int)Math.Min(int.MaxValue, _config.MaxTimeHint.Ticks / 1000); // time hints count 100 µs
        _statsIntervalTicks = ToTimestamp(TimeSpan.FromSeconds(1));
        _lastTick = _time.GetTimestamp();
    }

    private void OnTick(long now)
    {
        foreach (var session in _sessions.Values)
        {
            session.StreamState.Sweep(now);
        }

        var timeoutTicks = ToTimestamp(_config.PeerTimeout);
        var keepaliveTicks = ToTimestamp(_config.KeepaliveInterval);
        for (var i = _linkList.Count - 1; i >= 0; i--)
        {
            if (i >= _linkList.Count)
            {
                continue;
            }

            var link = _linkList[i];
            if (link.State == PeerLinkState.Refusing)
            {
                // Kept only until the refusal is acknowledged, or for a grace period.
                if (link.Send.InFlight == 0 || now - link.CreatedAt > ToTimestamp(TimeSpan.FromSeconds(5)))
                {
                    RemoveLink(link);
                }
                else
                {
                    link.Send.CollectDue(now, link.RetransmitTimeout, (this, link), static (s, seq, blocks) => s.Item1.Resend(s.link, seq, blocks));
                }

                continue;
            }

            var silence = now - link.Participant.LastSeenTimestamp;
            if (silence > timeoutTicks)
            {
                TimeOut(link, silence);
                continue;
            }

            link.Send.CollectDue(now, link.RetransmitTimeout, (this, link), static (s, seq, blocks) => s.Item1.Resend(s.link, seq, blocks));
            while (link.Send.TryTakeDeferred(out var deferred, out var deferredLength))
            {
                SendCoreMessage(link, deferred.AsSpan(0, deferredLength), deferred: true);
                CoreSendWindow.ReturnDeferred(deferred);
            }

            if (now - link.LastKeepalive >= keepaliveTicks)
            {
                link.LastKeepalive = now;
                SendTimeSyncRequest(link);
            }

            if (now - link.LastStats >= _statsIntervalTicks)
            {
                UpdateLinkStatistics(link, now);
            }

            if (link.IsInitiator && link.Rekeying is null && link.Channel.RekeyDue)
            {
                StartRekey(link);
            }
        }

        CheckHandshakes(now);
        UpdateNodeLevel(now);
        for (var i = _retiring.Count - 1; i >= 0; i--)
        {
            if (_egress.TryRetire(_retiring[i]))
            {
                _retiring.RemoveAt(i);
            }
        }
    }

    private void Resend(PeerLink link, uint sequence, ReadOnlySpan<byte> blocks)
    {
        Counters.CoreRetransmissions++;
        SendCoreFrame(link, sequence, blocks);
    }

    private void TimeOut(PeerLink link, long silence)
    {
        var session = link.Session;
        var joined = link.Joined;
        RemoveLink(link);
        Counters.Timeouts++;
        var silent = TimeSpan.FromSeconds(silence / (double)_time.TimestampFrequency);
        NodeLog.ParticipantTimedOut(_logger, link.Remote, session.SessionId, silent);
        if (joined)
        {
            Raise(new NodeEvent(NodeEventKind.ParticipantTimedOut, session.SessionId, link.Remote, LeaveReason.TimedOut));
        }

        if (_joins.TryGetValue(session.SessionId, out var join) && link.Remote == join.Contact)
        {
            FailJoin(join, LeaveReason.TimedOut, $"The contact of session {session.SessionId} fell silent.");
        }
    }

    private void SendTimeSyncRequest(PeerLink link)
    {
        var t1 = _timeEngine.BeginTimeSync();
        link.TimeSyncT1 = t1;
        Span<byte> body = stackalloc byte[9];
        body[0] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], t1);
        SendUnreliableControl(link, EventType.TimeSync, body);
    }

    private void StartRekey(PeerLink link)
    {
        var participant = link.Participant;
        var pattern = HandshakePattern.IK;
        var egress = _egress;
        var destination = participant.Address;
        var initiator = new HandshakeInitiator(
            _identity,
            pattern,
            link.Session.SessionId,
            participant.StaticKey.Span,
            frame => egress.TryEnqueue(frame, destination),
            _handshakeOptions,
            participant.NodeId);
        link.Rekeying = initiator;
        _initiators[initiator.LocalIndex] = new PendingHandshake(initiator, link.Session, HandshakePurpose.Rekey, destination);
        initiator.Start();
    }

    /// <summary>Initiators that gave up fail their join (or their part of it); joins past their deadline fail.</summary>
    private void CheckHandshakes(long now)
    {
        foreach (var pending in _initiators.Values)
        {
            if (pending.Initiator.State == HandshakeInitiatorState.Failed)
            {
                _finished.Add(pending);
            }
        }

        foreach (var pending in _finished)
        {
            _initiators.Remove(pending.Initiator.LocalIndex);
            Counters.HandshakeOutcomes[(int)HandshakeOutcome.Failed]++;
            NodeLog.HandshakeFailed(_logger, pending.Destination.ToEndPoint(), pending.Session.SessionId, pending.Initiator.FailureReason.ToString());
            if (_joins.TryGetValue(pending.Session.SessionId, out var join))
            {
                if (pending.Purpose == HandshakePurpose.Join)
                {
                    FailJoin(join, LeaveReason.HandshakeFailed, $"No handshake with the contact of session {pending.Session.SessionId}: {pending.Initiator.FailureReason}.");
                }
                else if (pending.Purpose == HandshakePurpose.Connect)
                {
                    join.PendingConnects = Math.Max(0, join.PendingConnects - 1);
                    TryCompleteJoin(join);
                }
            }

            foreach (var link in _linkList)
            {
                if (link.Rekeying == pending.Initiator)
                {
                    link.Rekeying = null;
                }
            }

            pending.Initiator.Dispose();
        }

        _finished.Clear();
        List<JoinOperation>? expired = null;
        foreach (var join in _joins.Values)
        {
            if (now > join.Deadline)
            {
                (expired ??= []).Add(join);
            }
        }

        if (expired is not null)
        {
            foreach (var join in expired)
            {
                FailJoin(join, LeaveReason.HandshakeFailed, $"Session {join.Session.SessionId} did not answer within {_config.JoinTimeout}.");
            }
        }
    }

    /// <summary>Loss over the last interval (frames seen against the span of the sender's counters) and the link's level.</summary>
    private void UpdateLinkStatistics(PeerLink link, long now)
    {
        long expected = 0, received = 0;
        for (var c = 0; c < link.Loss.Length; c++)
        {
            var (classExpected, classReceived) = link.Loss[c].Interval;
            expected += classExpected;
            received += classReceived;
            link.Loss[c].NextInterval();
        }

        link.LastStats = now;
        var loss = expected > 0 ? 1 - (received / (double)expected) : 0;
        link.Participant.SetLoss(loss);

        var degradation = _config.Degradation;
        var target = DegradationLevel.L0;
        var roundTrip = link.Participant.RoundTrip;
        for (var i = 4; i >= 0; i--)
        {
            if (loss >= degradation.PeerLoss[i] || roundTrip >= degradation.PeerRoundTrip[i])
            {
                target = (DegradationLevel)(i + 1);
                break;
            }
        }

        var recovered = link.Level == DegradationLevel.L0
            || (loss < degradation.PeerLoss[(int)link.Level - 1] * degradation.RecoveryFraction
                && roundTrip < degradation.PeerRoundTrip[(int)link.Level - 1] * degradation.RecoveryFraction);
        var next = Step(link.Level, target, recovered, now, ref link.LevelLowSince);
        if (next != link.Level)
        {
            var before = link.Level;
            link.Level = next;
            link.Participant.SetLevel(next);
            Counters.LevelChanges++;
            NodeLog.LinkLevelChanged(_logger, link.Remote, before, next);
            Raise(new NodeEvent(NodeEventKind.DegradationChanged, link.Session.SessionId, link.Remote, Level: next));
            UpdateSessionState(link.Session);
        }
    }

    /// <summary>The node's own level from ingress occupancy, Apply lag and egress backlog.</summary>
    private void UpdateNodeLevel(long now)
    {
        var degradation = _config.Degradation;
        var size = (double)_ingress.Ring.Size;
        var ingress = Math.Max(0, _ingress.Ring.Cursor - _currentSequence) / size;
        var egress = Math.Max(0, EgressLag) / (double)_egress.Ring.Size;
        var target = DegradationLevel.L0;
        for (var i = 4; i >= 0; i--)
        {
            if (ingress >= degradation.IngressOccupancy[i] || egress >= degradation.EgressOccupancy[i])
            {
                target = (DegradationLevel)(i + 1);
                break;
            }
        }

        var current = Level;
        var recovered = current == DegradationLevel.L0
            || (ingress < degradation.IngressOccupancy[(int)current - 1] * degradation.RecoveryFraction
                && egress < degradation.EgressOccupancy[(int)current - 1] * degradation.RecoveryFraction);
        var next = Step(current, target, recovered, now, ref _nodeLevelLowSince);
        if (next != current)
        {
            SetNodeLevel(current, next);
        }
    }

    /// <summary>Starts a rekey handshake on every link this node initiated (what the timer does after two minutes).</summary>
    internal Task RekeyNowForTest() => Post<bool>(completion =>
    {
        foreach (var link in _linkList)
        {
            if (link.IsInitiator && link.Rekeying is null && link.State == PeerLinkState.Connected)
            {
                StartRekey(link);
            }
        }

        completion.TrySetResult(true);
    });

    /// <summary>Forces the node's level (the demo's and tests' overload injection); the controller takes over again at the next tick.</summary>
    internal void SetNodeLevelForTest(DegradationLevel level) => Post<bool>(completion =>
    {
        SetNodeLevel(Level, level);
        _nodeLevelLowSince = _time.GetTimestamp();
        completion.TrySetResult(true);
    });

    private void SetNodeLevel(DegradationLevel before, DegradationLevel next)
    {
        Volatile.Write(ref _nodeLevel, (int)next);
        Counters.LevelChanges++;
        NodeLog.LevelChanged(_logger, before, next);
        Raise(new NodeEvent(NodeEventKind.DegradationChanged, Level: next));
        foreach (var session in _sessions.Values)
        {
            UpdateSessionState(session);
        }
    }

    /// <summary>Up at once; down one level at a time, after the inputs stayed below the recovery mark for the dwell time.</summary>
    private DegradationLevel Step(DegradationLevel current, DegradationLevel target, bool recovered, long now, ref long lowSince)
    {
        if (target > current)
        {
            lowSince = 0;
            return target;
        }

        if (target == current || !recovered)
        {
            lowSince = 0;
            return current;
        }

        if (lowSince == 0)
        {
            lowSince = now;
            return current;
        }

        if (now - lowSince >= ToTimestamp(_config.Degradation.RecoveryDwell))
        {
            lowSince = now;
            return current - 1;
        }

        return current;
    }

    private void UpdateSessionState(Session session)
    {
        if (session.State is not (SessionState.Active or SessionState.Degraded))
        {
            return;
        }

        var degraded = Level != DegradationLevel.L0;
        foreach (var participant in session.Routes)
        {
            degraded |= participant.Level != DegradationLevel.L0;
        }

        session.SetState(degraded ? SessionState.Degraded : SessionState.Active);
    }
}
