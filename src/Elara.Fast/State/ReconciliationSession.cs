using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.State;

/// <summary>
/// Anti-entropy between this replica and one peer, by digest. Each side sends a digest: one StateRequest block
/// per atom, carrying the atom's version vector and a one-byte Merge body (bit 0: deleted). The other side
/// answers each entry from its own atom: when its vector is not covered by the digest's (it has events the peer
/// lacks) it sends the whole atom, as a StateResponse when the peer's vector was empty and a GapFill otherwise;
/// when it does not have the atom at all it asks for it with a StateRequest whose vector is empty (which can only
/// ever be answered, so requests never echo back and forth). All of it goes out through <see cref="Fill"/> in
/// event blocks that fit the frame the caller provides.
/// </summary>
/// <remarks>
/// A digest entry flagged deleted is the peer's acknowledgement of a tombstone (<see cref="StateField.AcknowledgeTombstone"/>);
/// for an atom already collected here, the answer is an empty-vector request flagged deleted, which acknowledges it
/// back, so both sides can collect. Bounds: at most <see cref="ReconciliationLimits.MaxAtoms"/> queued entries and
/// atoms accepted, at most <see cref="ReconciliationLimits.MaxBytes"/> sent and accepted; past either the session
/// stops with a typed status and counts it.
/// </remarks>
internal sealed class ReconciliationSession
{
    private static readonly byte[] LiveFlag = [0];
    private static readonly byte[] DeletedFlag = [1];

    private readonly StateField _field;
    private readonly ReconciliationLimits _limits;
    private readonly Item[] _queue;
    private readonly byte[] _body = new byte[StateLimits.FrameAtomBytes];
    private readonly VersionVectorEntry[] _wireScratch;
    private int _head;
    private int _count;

    public ReconciliationSession(StateField field, NodeId peer, ReconciliationLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        _field = field;
        _limits = limits ?? new ReconciliationLimits();
        _limits.Validate();
        Peer = peer;
        _queue = new Item[_limits.MaxAtoms];
        _wireScratch = new VersionVectorEntry[field.Limits.MaxVersionEntries];
    }

    /// <summary>The peer.</summary>
    public NodeId Peer { get; }

    /// <summary>Entries waiting to be written.</summary>
    public int Pending => _count;

    public long BytesSent { get; private set; }

    public long AtomsSent { get; private set; }

    public long BytesReceived { get; private set; }

    public long AtomsReceived { get; private set; }

    /// <summary>Times the atom bound stopped the session.</summary>
    public long AtomLimitHits { get; private set; }

    /// <summary>Times the byte bound stopped the session.</summary>
    public long ByteLimitHits { get; private set; }

    /// <summary>Requests refused as malformed.</summary>
    public long MalformedRequests { get; private set; }

    /// <summary>Queues a digest entry for every atom held.</summary>
    public ReconciliationStatus QueueDigest()
    {
        foreach (var atom in _field.Atoms)
        {
            if (!Enqueue(ItemKind.Digest, atom.Id))
            {
                return ReconciliationStatus.AtomLimitExceeded;
            }
        }

        return ReconciliationStatus.Done;
    }

    /// <summary>
    /// Takes one block from the peer: a StateRequest is answered (queued for <see cref="Fill"/>); a StateResponse
    /// or GapFill is merged into the field within the session's bounds; anything else goes to the field as is.
    /// </summary>
    public StateStatus Receive(in EventBlock block)
    {
        switch (block.EventType)
        {
            case EventType.StateRequest:
                return OnRequest(block);
            case EventType.StateResponse or EventType.GapFill:
                if (AtomsReceived >= _limits.MaxAtoms)
                {
                    AtomLimitHits++;
                    return _field.Counters.Count(StateStatus.AtomLimitExceeded);
                }

                if (BytesReceived + block.Bytes.Length > _limits.MaxBytes)
                {
                    ByteLimitHits++;
                    return _field.Counters.Count(StateStatus.ByteLimitExceeded);
                }

                AtomsReceived++;
                BytesReceived += block.Bytes.Length;
                return _field.Apply(block);
            default:
                return _field.Apply(block);
        }
    }

    /// <summary>Writes queued blocks into <paramref name="frame"/> until it is full or the queue is empty.</summary>
    public ReconciliationStatus Fill(ref EventBlockWriter frame)
    {
        while (_count > 0)
        {
            var item = _queue[_head];
            var type = EventType.StateRequest;
            ReadOnlySpan<VersionVectorEntry> version = default;
            Mutation mutation;
            switch (item.Kind)
            {
                case ItemKind.Pull:
                    mutation = Mutation.Merge(LiveFlag);
                    break;
                case ItemKind.TombstoneAck:
                    mutation = Mutation.Merge(DeletedFlag);
                    break;
                default:
                    if (!_field.TryGetAtom(item.Id, out var atom))
                    {
                        Dequeue(); // collected since it was queued: nothing to say
                        continue;
                    }

                    version = atom.Version.Entries;
                    if (item.Kind == ItemKind.Digest)
                    {
                        mutation = Mutation.Merge(atom.IsDeleted ? DeletedFlag : LiveFlag);
                    }
                    else
                    {
                        type = item.Kind == ItemKind.Response ? EventType.StateResponse : EventType.GapFill;
                        atom.Write(_body);
                        mutation = Mutation.Merge(_body.AsSpan(0, atom.EncodedLength));
                    }

                    break;
            }

            var length = EventBlock.EncodedLength(version.Length, mutation.EncodedLength);
            if (BytesSent + length > _limits.MaxBytes)
            {
                ByteLimitHits++;
                _count = 0;
                return ReconciliationStatus.ByteLimitExceeded;
            }

            if (frame.TryAppend(type, item.Id, version, mutation) != WireStatus.Ok)
            {
                if (frame.BytesWritten > 0)
                {
                    return ReconciliationStatus.FrameFull;
                }

                // Not even an empty frame holds it (a frame with large extensions): it can never go; count, skip.
                _field.Counters.Count(StateStatus.AtomTooLarge);
                Dequeue();
                continue;
            }

            Dequeue();
            BytesSent += length;
            if (type != EventType.StateRequest)
            {
                AtomsSent++;
            }
        }

        return ReconciliationStatus.Done;
    }

    private StateStatus OnRequest(in EventBlock block)
    {
        var flags = block.Mutation.Bytes;
        if (block.Mutation.Kind != MutationKind.Merge || flags.Length != 1 || flags[0] > 1 || block.StateId.Value == 0
            || block.VersionVector.Count > _field.Limits.MaxVersionEntries)
        {
            MalformedRequests++;
            return _field.Counters.Count(StateStatus.Malformed);
        }

        var deleted = flags[0] == 1;
        var version = VersionVector.FromWire(block.VersionVector, _wireScratch);
        var id = block.StateId;
        bool queued;
        if (_field.TryGetAtom(id, out var atom))
        {
            if (deleted)
            {
                _field.AcknowledgeTombstone(id, Peer);
            }

            var order = VersionVector.Compare(atom.Version.Entries, version);
            var peerHasCollected = deleted && version.IsEmpty;
            queued = peerHasCollected || order is VersionOrder.Equal or VersionOrder.Dominated
                || Enqueue(version.IsEmpty ? ItemKind.Response : ItemKind.GapFill, id);
        }
        else if (version.IsEmpty)
        {
            queued = true; // a pull or an acknowledgement for something we do not hold: nothing to add
        }
        else
        {
            queued = Enqueue(deleted ? ItemKind.TombstoneAck : ItemKind.Pull, id);
        }

        return queued ? StateStatus.Applied : _field.Counters.Count(StateStatus.AtomLimitExceeded);
    }

    private bool Enqueue(ItemKind kind, StateId id)
    {
        if (_count == _queue.Length)
        {
            AtomLimitHits++;
            return false;
        }

        _queue[(_head + _count) % _queue.Length] = new Item(kind, id);
        _count++;
        return true;
    }

    private void Dequeue()
    {
        _head = (_head + 1) % _queue.Length;
        _count--;
    }

    private enum ItemKind : byte
    {
        Digest,
        Pull,
        TombstoneAck,
        Response,
        GapFill,
    }

    private readonly record struct Item(ItemKind Kind, StateId Id);
}
