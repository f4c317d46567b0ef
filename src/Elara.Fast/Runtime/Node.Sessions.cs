using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Sessions;
using Elara.Fast.State;
using Elara.Fast.Transport;
using Elara.Fast.Wire;

namespace Elara.Fast.Runtime;

/// <summary>The session protocol (SessionJoin / SessionSync / SessionLeave, TimeSync, reconciliation) and the send paths.</summary>
public sealed partial class Node
{
    private const int SyncMemberSize = 8 + 32 + 32 + 1 + 16 + 2;
    private const int SyncMembersPerMessage = 12;
    private readonly List<SecureChannel> _retiring = [];

    private void OnSessionJoin(PeerLink link)
    {
        if (link.State == PeerLinkState.Refusing || link.Joined)
        {
            return;
        }

        var session = link.Session;
        link.Joined = true;
        session.AddParticipant(link.Participant);
        NodeLog.ParticipantJoined(_logger, link.Remote, session.SessionId, link.Participant.EndPoint);
        Raise(new NodeEvent(NodeEventKind.ParticipantJoined, session.SessionId, link.Remote, EndPoint: link.Participant.EndPoint));

        // Answer with the other participants, so the joiner reaches each of them directly (a full mesh).
        Span<byte> body = stackalloc byte[2 + (SyncMembersPerMessage * SyncMemberSize)];
        var others = session.Routes;
        var written = 0;
        var start = 0;
        do
        {
            var count = 0;
            written = 2;
            for (var i = start; i < others.Length && count < SyncMembersPerMessage; i++)
            {
                if (others[i].NodeId == link.Remote)
                {
                    continue;
                }

                written += WriteMember(body[written..], others[i]);
                count++;
                start = i + 1;
            }

            if (count == 0)
            {
                start = others.Length;
            }

            var last = start >= others.Length;
            body[0] = last ? (byte)1 : (byte)0;
            body[1] = (byte)count;
            SendControl(link, EventType.SessionSync, body[..written]);
            if (last)
            {
                break;
            }
        }
        while (true);

        // After the sync: the joiner counts this link as joined only once that arrives, and drops stream events before it.
        SendIntroduction(link);

        // Anti-entropy: both sides send digests, each answers what the other lacks.
        if (link.Reconciliation.QueueDigest() == ReconciliationStatus.Done || link.Reconciliation.Pending > 0)
        {
            FlushReconciliation(link);
        }
    }

    private void OnSessionSync(PeerLink link, ReadOnlySpan<byte> body)
    {
        if (body.Length < 2 || body.Length < 2 + (body[1] * SyncMemberSize) || link.State == PeerLinkState.Refusing)
        {
            Counters.Drop(PacketClass.Core, NodeDropReason.InvalidEvents);
            return;
        }

        var session = link.Session;
        var last = (body[0] & 1) != 0;
        if (!link.Joined)
        {
            link.Joined = true;
            session.AddParticipant(link.Participant);
            SendIntroduction(link);
            Raise(new NodeEvent(NodeEventKind.ParticipantJoined, session.SessionId, link.Remote, EndPoint: link.Participant.EndPoint));
            if (link.Reconciliation.QueueDigest() == ReconciliationStatus.Done || link.Reconciliation.Pending > 0)
            {
                FlushReconciliation(link);
            }
        }

        _joins.TryGetValue(session.SessionId, out var join);
        var offset = 2;
        for (var i = 0; i < body[1]; i++, offset += SyncMemberSize)
        {
            var member = body.Slice(offset, SyncMemberSize);
            var node = new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(member));
            if (node == NodeId || _links.ContainsKey((session.SessionId, node)) || join is null || IsConnecting(session, node))
            {
                continue;
            }

            if (TryReadMemberAddress(member[72..], out var address))
            {
                join.PendingConnects++;
                StartInitiator(session, address, member.Slice(8, 32), node, HandshakePurpose.Connect);
            }
        }

        if (join is not null)
        {
            if (link.Remote == join.Contact && last)
            {
                join.Answered = true;
            }
            else if (link.Remote != join.Contact && last)
            {
                join.PendingConnects = Math.Max(0, join.PendingConnects - 1);
            }

            TryCompleteJoin(join);
        }
    }

    private bool IsConnecting(Session session, NodeId node)
    {
        foreach (var pending in _initiators.Values)
        {
            if (pending.Session == session && pending.Initiator.ExpectedResponder == node)
            {
                return true;
            }
        }

        return false;
    }

    private void TryCompleteJoin(JoinOperation join)
    {
        if (!join.Answered || join.PendingConnects > 0)
        {
            return;
        }

        _joins.Remove(join.Session.SessionId);
        join.Session.SetState(SessionState.Active);
        NodeLog.SessionJoined(_logger, join.Session.SessionId, join.Contact, join.Session.Participants.Count);
        Raise(new NodeEvent(NodeEventKind.SessionJoined, join.Session.SessionId, join.Contact));
        join.Completion.TrySetResult(join.Session);
    }

    private void FailJoin(JoinOperation join, LeaveReason reason, string message)
    {
        _joins.Remove(join.Session.SessionId);
        NodeLog.JoinFailed(_logger, join.Session.SessionId, message);
        foreach (var link in LinksOf(join.Session))
        {
            RemoveLink(link);
        }

        RemoveSession(join.Session);
        join.Completion.TrySetException(new SessionJoinException(join.Session.SessionId, reason, message));
    }

    private void OnSessionLeave(PeerLink link, ReadOnlySpan<byte> body)
    {
        var reason = body.Length > 0 && Enum.IsDefined((LeaveReason)body[0]) ? (LeaveReason)body[0] : LeaveReason.Goodbye;
        var session = link.Session;
        if (_joins.TryGetValue(session.SessionId, out var join) && reason != LeaveReason.Goodbye && (link.Remote == join.Contact || !join.Answered))
        {
            Counters.Refusals++;
            Raise(new NodeEvent(NodeEventKind.Refused, session.SessionId, link.Remote, reason));
            FlushAck(link);
            FailJoin(join, reason, $"Session {session.SessionId} refused the join: {reason}.");
            return;
        }

        var wasParticipant = link.Joined;
        FlushAck(link);
        RemoveLink(link);
        if (wasParticipant)
        {
            NodeLog.ParticipantLeft(_logger, link.Remote, session.SessionId, reason);
            Raise(new NodeEvent(NodeEventKind.ParticipantLeft, session.SessionId, link.Remote, reason));
        }
    }

    private void OnTimeSync(PeerLink link, ReadOnlySpan<byte> body)
    {
        if (body.Length >= 9 && body[0] == 0)
        {
            var t1 = BinaryPrimitives.ReadInt64LittleEndian(body[1..]);
            var (t2, t3, stateOffset) = _timeEngine.AnswerTimeSync(_timeEngine.BeginTimeSync());
            Span<byte> answer = stackalloc byte[33];
            answer[0] = 1;
            BinaryPrimitives.WriteInt64LittleEndian(answer[1..], t1);
            BinaryPrimitives.WriteInt64LittleEndian(answer[9..], t2);
            BinaryPrimitives.WriteInt64LittleEndian(answer[17..], t3);
            BinaryPrimitives.WriteInt64LittleEndian(answer[25..], stateOffset);
            SendUnreliableControl(link, EventType.TimeSync, answer);
        }
        else if (body.Length >= 33 && body[0] == 1)
        {
            var t1 = BinaryPrimitives.ReadInt64LittleEndian(body[1..]);
            if (t1 != link.TimeSyncT1)
            {
                return; // not the answer to our latest request (late, duplicated or forged by the peer itself)
            }

            var t2 = BinaryPrimitives.ReadInt64LittleEndian(body[9..]);
            var t3 = BinaryPrimitives.ReadInt64LittleEndian(body[17..]);
            var stateOffset = BinaryPrimitives.ReadInt64LittleEndian(body[25..]);
            var t4 = _timeEngine.BeginTimeSync();
            _timeEngine.CompleteTimeSync(link.Remote, t1, t2, t3, stateOffset);
            var roundTrip = Math.Max(0, (t4 - t1) - (t3 - t2));
            link.Participant.SetRoundTrip(roundTrip);
            if (_timeEngine.TryGetPeer(link.Remote, out var clock))
            {
                link.Participant.SetJitter(clock.Jitter);
            }

            // Retransmission timeout from the measured round trip: twice it plus 20 ms, within 30 ms .. 1 s.
            var rto = Math.Clamp((2 * roundTrip) + (20 * TimeSpan.TicksPerMillisecond), 30 * TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond);
            link.RetransmitTimeout = ToTimestamp(TimeSpan.FromTicks(rto));
        }
    }

    /// <summary>Sends a node protocol event (SessionJoin, SessionSync, SessionLeave) reliably on one link.</summary>
    private void SendControl(PeerLink link, EventType type, ReadOnlySpan<byte> body)
    {
        Span<byte> buffer = stackalloc byte[CoreSendWindow.MaxMessage];
        var writer = new EventBlockWriter(buffer);
        if (writer.TryAppend(type, default, default, Mutation.Set(body)) == WireStatus.Ok)
        {
            SendCoreMessage(link, writer.Written);
        }
    }

    /// <summary>Sends a node protocol event outside the reliable stream (TimeSync, keepalives): sequence 0.</summary>
    private void SendUnreliableControl(PeerLink link, EventType type, ReadOnlySpan<byte> body)
    {
        Span<byte> buffer = stackalloc byte[128];
        var writer = new EventBlockWriter(buffer);
        if (writer.TryAppend(type, default, default, Mutation.Set(body)) == WireStatus.Ok)
        {
            SendCoreFrame(link, 0, writer.Written);
        }
    }

    /// <summary>Numbers one reliable message for <paramref name="link"/>, keeps it for retransmission and sends it.</summary>
    private void SendCoreMessage(PeerLink link, ReadOnlySpan<byte> blocks, bool deferred = false)
    {
        if (link.Send.TryAdd(blocks, _time.GetTimestamp(), out var sequence, out var stored, deferred))
        {
            SendCoreFrame(link, sequence, stored);
        }
        else if (!link.Send.Defer(blocks))
        {
            Interlocked.Increment(ref Counters.CoreRefused);
        }
    }

    /// <summary>Writes one Core frame (delivery header with the current acknowledgement, then the blocks) into the egress ring.</summary>
    private void SendCoreFrame(PeerLink link, uint sequence, ReadOnlySpan<byte> blocks)
    {
        var (ackIncarnation, ack, bits) = link.Receive.Acknowledgement;
        Span<byte> prefix = stackalloc byte[DeliveryHeader.Size];
        new DeliveryHeader(link.Send.Incarnation, sequence, ackIncarnation, ack, bits).Write(prefix);
        link.Receive.AckDue = false;
        WriteFrame(link.Participant, PacketClass.Core, RepresentationProfile.Textual, 0, prefix, blocks);
    }

    private void FlushAck(PeerLink link)
    {
        if (link.Receive.AckDue)
        {
            SendCoreFrame(link, 0, default);
        }
    }

    private void FlushAcks()
    {
        foreach (var link in _ackList)
        {
            link.InAckList = false;
            FlushAck(link);
        }

        _ackList.Clear();
    }

    private void SendCoreToAll(Session session, ReadOnlySpan<byte> blocks)
    {
        foreach (var link in LinksOf(session))
        {
            if (link.Joined && link.State == PeerLinkState.Connected)
            {
                SendCoreMessage(link, blocks);
            }
        }
    }

    private void FlushReconciliation(PeerLink link)
    {
        Span<byte> buffer = stackalloc byte[CoreSendWindow.MaxMessage];
        for (var i = 0; i < 64 && link.Reconciliation.Pending > 0; i++)
        {
            var writer = new EventBlockWriter(buffer);
            link.Reconciliation.Fill(ref writer);
            if (writer.Count == 0)
            {
                break;
            }

            SendCoreMessage(link, writer.Written);
        }
    }

    private void ApplyLocalStateSet(Session session, StateId id, ReadOnlySpan<byte> value)
    {
        Span<byte> buffer = stackalloc byte[CoreSendWindow.MaxMessage];
        var writer = new EventBlockWriter(buffer);
        if (!session.Field.TryGetAtom(id, out _) && session.Field.Create(id, CrdtKind.LwwRegister, ref writer) != StateStatus.Applied)
        {
            return;
        }

        if (session.Field.Set(id, _timeEngine.State.Now, value, ref writer) == StateStatus.Applied || writer.Count > 0)
        {
            SendCoreToAll(session, writer.Written);
        }
    }

    /// <summary>Writes a plaintext frame for <paramref name="participant"/> into the egress ring; the Transmit stage seals it.</summary>
    private SendStatus WriteFrame(Participant participant, PacketClass packetClass, RepresentationProfile profile, int timeHint, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> blocks)
    {
        var length = FrameLayout.HeaderSize + prefix.Length + blocks.Length + FrameLayout.TagSize;
        if (length > FrameLayout.MaxFrame)
        {
            return SendStatus.TooLarge;
        }

        if (!_egress.TryClaim(out var sequence))
        {
            Interlocked.Increment(ref Counters.EgressRingFull);
            return SendStatus.RingFull;
        }

        var slot = _egress.GetSlot(sequence);
        FrameHeaderWriter.TryCreate(slot, out var header);
        header.Flags = FrameFlags.None;
        header.HeaderLength = FrameLayout.HeaderSize;
        header.PacketClass = packetClass;
        header.Profile = profile;
        header.TimeHint = timeHint;
        prefix.CopyTo(slot[FrameLayout.HeaderSize..]);
        blocks.CopyTo(slot[(FrameLayout.HeaderSize + prefix.Length)..]);
        _egress.Publish(sequence, length, participant.Address, participant.Channel);
        Interlocked.Increment(ref Counters.FramesOut[(int)packetClass]);
        return SendStatus.Sent;
    }

    private List<PeerLink> LinksOf(Session session)
    {
        var links = new List<PeerLink>();
        foreach (var link in _linkList)
        {
            if (link.Session == session)
            {
                links.Add(link);
            }
        }

        return links;
    }

    private void BeginLeave(Session session, LeaveReason reason, TaskCompletionSource<bool> completion)
    {
        if (!_sessions.ContainsKey(session.SessionId) || session.State == SessionState.Closed)
        {
            completion.TrySetResult(false);
            return;
        }

        session.SetState(SessionState.Leaving);
        if (_joins.TryGetValue(session.SessionId, out var join))
        {
            _joins.Remove(session.SessionId);
            join.Completion.TrySetException(new SessionJoinException(session.SessionId, reason, "The join was abandoned."));
        }

        foreach (var link in LinksOf(session))
        {
            SayGoodbye(link, reason);
            RemoveLink(link);
        }

        RemoveSession(session);
        Raise(new NodeEvent(NodeEventKind.SessionLeft, session.SessionId, Reason: reason));
        completion.TrySetResult(true);
    }

    /// <summary>A goodbye goes out twice outside the reliable stream: the link is removed at once, so nothing would retransmit it.</summary>
    private void SayGoodbye(PeerLink link, LeaveReason reason)
    {
        ReadOnlySpan<byte> body = [(byte)reason];
        Span<byte> buffer = stackalloc byte[64];
        var writer = new EventBlockWriter(buffer);
        writer.TryAppend(EventType.SessionLeave, default, default, Mutation.Set(body));
        // Sequence 0 frames skip the receive window, so the peer acts on it even if earlier messages are missing.
        SendCoreFrame(link, 0, writer.Written);
        SendCoreFrame(link, 0, writer.Written);
    }

    private void SayGoodbyeToAll(TaskCompletionSource<bool> completion)
    {
        foreach (var session in _sessions.Values.ToArray())
        {
            BeginLeave(session, LeaveReason.ShuttingDown, new TaskCompletionSource<bool>());
        }

        completion.TrySetResult(true);
    }

    private void DisposeLinksAndHandshakes()
    {
        // The stage threads have stopped: nothing else touches the channels now.
        foreach (var link in _linkList)
        {
            link.Initiator?.Dispose();
            link.Rekeying?.Dispose();
            link.Channel.Dispose();
        }

        _linkList.Clear();
        _links.Clear();
        foreach (var pending in _initiators.Values)
        {
            pending.Initiator.Dispose();
        }

        _initiators.Clear();
        foreach (var channel in _retiring)
        {
            channel.Dispose();
        }

        _retiring.Clear();
        foreach (var join in _joins.Values)
        {
            join.Completion.TrySetException(new ObjectDisposedException(nameof(Node)));
        }

        _joins.Clear();
    }

    private static int WriteMember(Span<byte> destination, Participant member)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, member.NodeId.Value);
        member.StaticKey.Span.CopyTo(destination[8..]);
        member.IdentityKey.Span.CopyTo(destination[40..]);
        destination.Slice(72, SyncMemberSize - 72).Clear();
        if (member.EndPoint is { } endPoint)
        {
            var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
            destination[72] = address.AddressFamily == AddressFamily.InterNetwork ? (byte)4 : (byte)6;
            address.TryWriteBytes(destination[73..], out _);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[89..], (ushort)endPoint.Port);
        }

        return SyncMemberSize;
    }

    private bool TryReadMemberAddress(ReadOnlySpan<byte> field, out RawSocketAddress address)
    {
        var port = BinaryPrimitives.ReadUInt16LittleEndian(field[17..]);
        IPAddress ip;
        switch (field[0])
        {
            case 4:
                ip = new IPAddress(field.Slice(1, 4));
                break;
            case 6:
                ip = new IPAddress(field.Slice(1, 16));
                break;
            default:
                address = default;
                return false;
        }

        address = RawSocketAddress.FromEndPoint(new IPEndPoint(ip, port), _transport.AddressFamily);
        return port != 0;
    }

    // ISessionHost: called on application threads.
    SendStatus ISessionHost.SendCore(Session session, ReadOnlySpan<byte> eventBlocks)
    {
        var status = CheckApplicationPayload(session, eventBlocks, CoreSendWindow.MaxMessage);
        if (status != SendStatus.Sent)
        {
            return status;
        }

        return PostControl(ControlType.CoreSend, session.SessionId, 0, eventBlocks) ? SendStatus.Queued : SendStatus.RingFull;
    }

    SendStatus ISessionHost.Send(Session session, PacketClass packetClass, RepresentationProfile profile, ReadOnlySpan<byte> eventBlocks, int timeHint)
    {
        if (packetClass == PacketClass.Core || !PacketClassExtensions.IsDefined((byte)packetClass))
        {
            return SendStatus.Malformed; // Core goes through TrySendCore, which is reliable
        }

        var status = CheckApplicationPayload(session, eventBlocks, FrameLayout.MaxPayload);
        if (status != SendStatus.Sent)
        {
            return status;
        }

        if (IsShed(Level, packetClass))
        {
            Interlocked.Increment(ref Counters.SendShed); // the node's own level sheds the class for every peer
            return SendStatus.Shed;
        }

        var shed = 0;
        var routes = session.Routes;
        foreach (var participant in routes)
        {
            if (IsShed(participant.Level, packetClass))
            {
                shed++; // this peer's link is degraded past this class: it gets none until it recovers
                continue;
            }

            status = WriteFrame(participant, packetClass, profile, timeHint, default, eventBlocks);
            if (status != SendStatus.Sent)
            {
                return status;
            }
        }

        if (shed > 0)
        {
            Interlocked.Add(ref Counters.SendShed, shed);
        }

        return shed > 0 && shed == routes.Length ? SendStatus.Shed : SendStatus.Sent;
    }

    SendStatus ISessionHost.UpdateState(Session session, StateId id, ReadOnlySpan<byte> value)
    {
        if (session.State is SessionState.Closed or SessionState.Leaving || Volatile.Read(ref _disposed) != 0)
        {
            return SendStatus.Closed;
        }

        if (value.Length > StateLimits.FrameAtomBytes - 64)
        {
            return SendStatus.TooLarge;
        }

        return PostControl(ControlType.StateSet, session.SessionId, id.Value, value) ? SendStatus.Queued : SendStatus.RingFull;
    }

    Task<byte[]?> ISessionHost.ReadStateAsync(Session session, StateId id) => Post<byte[]?>(completion =>
    {
        completion.TrySetResult(
            session.Field.TryGetAtom(id, out var atom) && !atom.IsDeleted && atom.Value is LwwRegister register ? register.Value.ToArray() : null);
    });

    private SendStatus CheckApplicationPayload(Session session, ReadOnlySpan<byte> eventBlocks, int maxLength)
    {
        if (session.State is SessionState.Closed or SessionState.Leaving || Volatile.Read(ref _disposed) != 0)
        {
            return SendStatus.Closed;
        }

        if (eventBlocks.Length > maxLength)
        {
            return SendStatus.TooLarge;
        }

        if (eventBlocks.IsEmpty || !EventBlockReader.TryValidate(eventBlocks, out _, out _, out _))
        {
            return SendStatus.Malformed;
        }

        // Applications send profile events (0x80 and up); the protocol's own events are the node's to send.
        foreach (var block in new EventBlockReader(eventBlocks))
        {
            if ((byte)block.EventType < 0x80)
            {
                return SendStatus.Malformed;
            }
        }

        return SendStatus.Sent;
    }
}
