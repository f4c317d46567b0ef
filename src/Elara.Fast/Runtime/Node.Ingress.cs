using System.Buffers.Binary;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Ring;
using Elara.Fast.Sessions;
using Elara.Fast.Transport;
using Elara.Fast.Wire;

namespace Elara.Fast.Runtime;

/// <summary>The ingress pipeline: Open (classify, shed, replay check, decrypt in place) → Dispatch (invariants, decode) → Apply.</summary>
public sealed partial class Node
{
    // Apply-thread state: only the Apply stage reads or writes these.
    private readonly Dictionary<SessionId, Session> _sessions = [];
    private readonly Dictionary<(SessionId Session, NodeId Node), PeerLink> _links = [];
    private readonly List<PeerLink> _linkList = [];
    private readonly List<PeerLink> _ackList = [];
    private long _lastTick;
    private long _currentSequence;

    /// <summary>
    /// When the datagram the Apply thread handles now was received (<see cref="System.Diagnostics.Stopwatch"/>
    /// units of the transport's clock): a frame handler reads it for receive-to-handler latency. Apply thread only.
    /// </summary>
    internal long CurrentReceiveTimestamp { get; private set; }

    /// <summary>What a node-internal (<see cref="DatagramKind.Control"/>) ingress entry asks for: its first byte.</summary>
    private enum ControlType : byte
    {
        Tick = 1,
        Wake = 2,
        CoreSend = 3,
        StateSet = 4,
    }

    /// <summary>The Apply stage's ring handler: a struct, so the processor calls straight into the node.</summary>
    private readonly struct IngressHandler(Node node) : IEventHandler<ReceivedDatagram>
    {
        public void OnEvent(ref ReceivedDatagram entry, long sequence, bool endOfBatch) => node.OnIngress(ref entry, sequence, endOfBatch);
    }

    private void OnIngress(ref ReceivedDatagram entry, long sequence, bool endOfBatch)
    {
        if (!entry.IsEmpty)
        {
            _currentSequence = sequence;
            var slot = _ingress.Slab.GetSlot(sequence)[..entry.Length];
            switch (entry.Kind)
            {
                case DatagramKind.Elara:
                    Counters.DatagramsIn++;
                    CurrentReceiveTimestamp = entry.Timestamp;
                    OnElara(ref entry, slot);
                    break;
                case DatagramKind.Control:
                    OnControl(slot);
                    break;
                case DatagramKind.Stun:
                    Counters.DatagramsIn++;
                    OnStun(slot);
                    break;
                default:
                    Counters.DatagramsIn++;
                    Counters.Drop(PacketClass.Core, NodeDropReason.UnsolicitedStun);
                    break;
            }
        }

        if (endOfBatch)
        {
            OnBatchEnd();
        }
    }

    /// <summary>Work that runs once per batch: pending acknowledgements, commands, and the tick when it is due.</summary>
    private void OnBatchEnd()
    {
        FlushAcks();
        DrainCommands();
        var now = _time.GetTimestamp();
        if (now - _lastTick >= _tickTicks)
        {
            _lastTick = now;
            OnTick(now);
        }
    }

    private void OnControl(Span<byte> entry)
    {
        switch ((ControlType)entry[0])
        {
            case ControlType.Tick:
            case ControlType.Wake:
                break; // the batch end does the work; these only wake the stage
            case ControlType.CoreSend when entry.Length >= 9:
                if (_sessions.TryGetValue(new SessionId(BinaryPrimitives.ReadUInt64LittleEndian(entry[1..])), out var session)
                    && ApplyOwnStreamEvents(session, entry[9..]))
                {
                    SendCoreToAll(session, entry[9..]);
                }

                break;
            case ControlType.StateSet when entry.Length >= 17:
                if (_sessions.TryGetValue(new SessionId(BinaryPrimitives.ReadUInt64LittleEndian(entry[1..])), out var target))
                {
                    ApplyLocalStateSet(target, new StateId(BinaryPrimitives.ReadUInt64LittleEndian(entry[9..])), entry[17..]);
                }

                break;
            default:
                Counters.Drop(PacketClass.Core, NodeDropReason.BadControl);
                break;
        }
    }

    private void OnStun(ReadOnlySpan<byte> datagram)
    {
        foreach (var client in Volatile.Read(ref _stunClients))
        {
            if (client.TryHandleResponse(datagram))
            {
                return;
            }
        }

        Counters.Drop(PacketClass.Core, NodeDropReason.UnsolicitedStun);
    }

    /// <summary>Open: an ELARA datagram in its slot.</summary>
    private void OnElara(ref ReceivedDatagram entry, Span<byte> frame)
    {
        var handshake = HandshakeFrame.Classify(frame);
        if (handshake != HandshakeMessageType.Data)
        {
            OnHandshakeFrame(handshake, frame, entry.Source);
            return;
        }

        if (frame.Length < FrameLayout.MinFrame || !PacketClassExtensions.IsDefined(frame[HeaderOffsets.PacketClass]))
        {
            Counters.Drop(PacketClass.Core, NodeDropReason.Malformed);
            return;
        }

        var packetClass = (PacketClass)frame[HeaderOffsets.PacketClass];

        // Back-pressure: past the high-water mark, shed by class before spending any crypto (Core never).
        if (packetClass != PacketClass.Core && _ingress.Ring.Cursor - _currentSequence > _highWater && IsShed(Level, packetClass))
        {
            Counters.Drop(packetClass, NodeDropReason.Shed);
            return;
        }

        var sessionId = new SessionId(BinaryPrimitives.ReadUInt64LittleEndian(frame[HeaderOffsets.SessionId..]));
        var sender = new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(frame[HeaderOffsets.NodeId..]));
        if (!_links.TryGetValue((sessionId, sender), out var link))
        {
            Counters.Drop(packetClass, _sessions.ContainsKey(sessionId) ? NodeDropReason.UnknownPeer : NodeDropReason.UnknownSession);
            return;
        }

        var status = link.Channel.Open(frame, out var layout);
        if (status != OpenStatus.Ok)
        {
            Counters.Drop(packetClass, status is OpenStatus.Replay or OpenStatus.TooOld ? NodeDropReason.Replay : NodeDropReason.DecryptFailed);
            return;
        }

        OnAuthenticated(link, ref entry, packetClass, layout.Header.KeyEpoch, layout.Header.Sequence);
        Dispatch(link, packetClass, layout.Header.TimeHint, layout.Ciphertext);
    }

    /// <summary>A frame of <paramref name="link"/>'s peer authenticated: it is alive, maybe somewhere new.</summary>
    private void OnAuthenticated(PeerLink link, ref ReceivedDatagram entry, PacketClass packetClass, ushort epoch, ushort sequence)
    {
        var participant = link.Participant;
        participant.Seen(_time.GetTimestamp());
        Counters.FramesIn[(int)packetClass]++;

        // Statistics for loss: frames seen against the sender's numbering, per class.
        link.Loss[(int)packetClass].Observe(epoch, sequence);

        // Roaming: an authenticated frame from a new address moves the peer there.
        if (entry.Source.Length > 0 && entry.Source != participant.Address)
        {
            participant.MoveTo(entry.Source);
            Counters.Roams++;
            NodeLog.Roamed(_logger, link.Remote, link.Session.SessionId, participant.EndPoint);
            Raise(new NodeEvent(NodeEventKind.PeerRoamed, link.Session.SessionId, link.Remote, EndPoint: participant.EndPoint));
        }

        // XX: the responder was heard under the new keys, so the initiator stops resending its Finish.
        if (link.Initiator is { } initiator)
        {
            initiator.ConfirmPeer();
            initiator.Dispose();
            link.Initiator = null;
        }
    }

    /// <summary>Dispatch: the invariants of a decrypted payload, then Apply.</summary>
    private void Dispatch(PeerLink link, PacketClass packetClass, int timeHint, ReadOnlySpan<byte> payload)
    {
        if (packetClass != PacketClass.Core)
        {
            if (timeHint > _maxTimeHint || timeHint < -_maxTimeHint)
            {
                Counters.Drop(packetClass, NodeDropReason.TimeHintOutOfRange);
                return;
            }

            Apply(link, packetClass, payload);
            return;
        }

        if (!DeliveryHeader.TryRead(payload, out var delivery))
        {
            Counters.Drop(PacketClass.Core, NodeDropReason.InvalidEvents);
            return;
        }

        link.Send.OnAck(delivery.AckIncarnation, delivery.Ack, delivery.AckBits);
        var blocks = payload[DeliveryHeader.Size..];
        if (delivery.Sequence == 0)
        {
            if (!blocks.IsEmpty)
            {
                Apply(link, PacketClass.Core, blocks);
            }

            return;
        }

        var result = link.Receive.Accept(delivery.Incarnation, delivery.Sequence, blocks, out var restarted);
        if (restarted)
        {
            // The peer restarted: what this side had in flight was for its old self, and it must be told the
            // session again (its SessionJoin, delivered next, is answered as a first one).
            link.Send.Restart();
            link.Joined = false;
        }

        if (link.Receive.AckDue && !link.InAckList)
        {
            link.InAckList = true;
            _ackList.Add(link);
        }

        switch (result)
        {
            case CoreReceiveResult.Deliver:
                Counters.CoreDelivered++;
                Apply(link, PacketClass.Core, blocks);
                while (_links.ContainsKey((link.Session.SessionId, link.Remote)) && link.Receive.TryTakeNext(out var next))
                {
                    Counters.CoreDelivered++;
                    Apply(link, PacketClass.Core, next);
                }

                break;
            case CoreReceiveResult.Duplicate:
                Counters.CoreDuplicates++;
                break;
            case CoreReceiveResult.OutOfWindow or CoreReceiveResult.Stale:
                Counters.Drop(PacketClass.Core, NodeDropReason.OutOfWindow);
                break;
        }
    }

    /// <summary>Apply: protocol events change the node, state events the session's field, profile events go to the embedder.</summary>
    private void Apply(PeerLink link, PacketClass packetClass, ReadOnlySpan<byte> blocks)
    {
        if (!EventBlockReader.TryValidate(blocks, out _, out _, out _))
        {
            Counters.Drop(packetClass, NodeDropReason.InvalidEvents);
            return;
        }

        var application = false;
        foreach (var block in new EventBlockReader(blocks))
        {
            switch (block.EventType)
            {
                case EventType.SessionJoin when packetClass == PacketClass.Core:
                    OnSessionJoin(link);
                    break;
                case EventType.SessionLeave when packetClass == PacketClass.Core:
                    OnSessionLeave(link, block.Mutation.Bytes);
                    return; // the link may be gone
                case EventType.SessionSync when packetClass == PacketClass.Core:
                    OnSessionSync(link, block.Mutation.Bytes);
                    break;
                case EventType.TimeSync:
                    OnTimeSync(link, block.Mutation.Bytes);
                    break;
                case EventType.StateRequest or EventType.StateResponse or EventType.GapFill when packetClass == PacketClass.Core:
                    link.Reconciliation.Receive(block);
                    break;
                case EventType.StateCreate or EventType.StateUpdate or EventType.StateDelete or EventType.AuthorityGrant or EventType.AuthorityRevoke
                    when packetClass == PacketClass.Core:
                    link.Session.Field.Apply(block);
                    break;
                case var type when SessionStreams.Handles(type):
                    // Streams, text, typing, presence and history: the node applies them; a refusal changes counters only.
                    if (!link.Joined)
                    {
                        Counters.Drop(packetClass, NodeDropReason.InvalidEvents);
                    }
                    else if (link.Session.StreamState.Apply(link.Remote, packetClass, block, _time.GetTimestamp()) is { } refused)
                    {
                        Counters.Drop(packetClass, ToDropReason(refused));
                    }

                    break;
                default:
                    if ((byte)block.EventType >= 0x80)
                    {
                        application = true;
                    }
                    else
                    {
                        Counters.Drop(packetClass, NodeDropReason.InvalidEvents);
                    }

                    break;
            }
        }

        if (application && link.Joined && Volatile.Read(ref _handler) is { } handler)
        {
            try
            {
                handler.OnEvents(link.Session, link.Participant, packetClass, blocks);
            }
            catch (Exception exception)
            {
                Counters.HandlerFaults++;
                NodeLog.HandlerFaulted(_logger, exception);
            }
        }

        if (link.Reconciliation.Pending > 0)
        {
            FlushReconciliation(link);
        }
    }

    private void DrainCommands()
    {
        // Bounded per batch so a flood of commands cannot starve the ring.
        for (var i = 0; i < 256 && _commands.TryDequeue(out var command); i++)
        {
            command();
        }
    }

    /// <summary>Posts a node-internal entry into the ingress ring; false when the ring is full (the caller sees back-pressure).</summary>
    private bool PostControl(ControlType type) => PostControl(type, default, default, default);

    private bool PostControl(ControlType type, SessionId session, ulong argument, ReadOnlySpan<byte> payload)
    {
        var length = type is ControlType.CoreSend ? 9 + payload.Length : type is ControlType.StateSet ? 17 + payload.Length : 1;
        if (length > _ingress.SlotSize || !_ingress.TryClaim(1, out var sequence))
        {
            return false;
        }

        var slot = _ingress.Slab.GetSlot(sequence);
        slot[0] = (byte)type;
        if (length > 1)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(slot[1..], session.Value);
            var offset = 9;
            if (type == ControlType.StateSet)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(slot[9..], argument);
                offset = 17;
            }

            payload.CopyTo(slot[offset..]);
        }

        ref var entry = ref _ingress.GetEntry(sequence);
        entry.Length = length;
        entry.Kind = DatagramKind.Control;
        entry.SocketIndex = 0;
        entry.Timestamp = 0;
        entry.Source = default;
        _ingress.Publish(sequence, sequence);
        return true;
    }

    /// <summary>Whether frames of <paramref name="packetClass"/> are shed at <paramref name="level"/> (Core never is).</summary>
    internal static bool IsShed(DegradationLevel level, PacketClass packetClass) => packetClass switch
    {
        PacketClass.Core => false,
        PacketClass.Cosmetic => level >= DegradationLevel.L1,
        PacketClass.Enhancement => level >= DegradationLevel.L2,
        PacketClass.Repair => level >= DegradationLevel.L4,
        _ => level >= DegradationLevel.L5,
    };
}
