using System.Buffers.Binary;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.State;

/// <summary>
/// The state field of one session on one node: atoms by <see cref="StateId"/>, applied from event blocks and
/// from local operations. Single-threaded (the runtime's Apply stage).
/// </summary>
/// <remarks>
/// <para>Two kinds of event reach it. An <b>operation</b> (StateCreate, StateUpdate, StateDelete, AuthorityGrant,
/// AuthorityRevoke) carries a one-entry version vector, its dot: (author, the author's event counter on this
/// atom). It applies only in the author's order: a dot already covered is a duplicate, a dot past the next is a
/// gap (dropped and counted; reconciliation brings the state). A <b>merge</b> (StateResponse, GapFill) carries a
/// whole atom, its full version vector and a Merge mutation, and is joined per the atom's CRDT type; a merge the
/// local vector already covers is a duplicate. Together the two keep the version vector exact (counter c of a node
/// means its events 1..c are in), which is what makes reconciliation by digest sound.</para>
/// <para>Operation bodies, inside the block's mutation: StateCreate Set(type u8 · blend dimensions u8); LWW
/// Set(τs i64 · value); PN-counter Increment(i64); log Append(τs i64 · message id u64 · text); set Append(element)
/// to add and Set(count u16 · (node u64 · counter u64)…) to remove the observed tags; blend Blend(weight,
/// dimensions × f32); StateDelete Delete; AuthorityGrant/Revoke Set(node u64). Timestamps are τs ticks, passed in
/// as plain <see cref="long"/>s (this layer does not see the time engine).</para>
/// <para>Authority: only the owner grants and revokes; other operations need the owner or a node granted and not
/// revoked when the operation arrives. A merged state keeps the contributions of the owner and of nodes ever
/// granted, and drops (and counts) the rest, so an unauthorised write never enters the state through either door.
/// Writes concurrent with a revoke may survive it, as in any available system.</para>
/// </remarks>
internal sealed class StateField
{
    private readonly Dictionary<StateId, StateAtom> _atoms;
    private readonly List<NodeId> _participants = [];
    private readonly StateLimits _limits;
    private readonly byte[] _payload = new byte[StateLimits.FrameAtomBytes];
    private readonly VersionVectorEntry[] _wireScratch;
    private readonly AtomValue?[] _incoming = new AtomValue?[6];
    private readonly AtomValue?[] _candidate = new AtomValue?[6];
    private readonly float[] _vector = new float[BlendValue.MaxDimensions];
    private readonly VersionVectorEntry[] _dot = new VersionVectorEntry[1];
    private AuthoritySet _incomingAuthority = new();
    private AuthoritySet _candidateAuthority = new();
    private VersionVector _candidateVersion = new(8);
    private readonly VersionVector _filteredVersion = new(8);

    /// <summary>A field for node <paramref name="self"/> with the given bounds.</summary>
    public StateField(NodeId self, StateLimits? limits = null)
    {
        if (self == NodeId.None)
        {
            ThrowHelper.ThrowArgument(nameof(self), "A node id is never zero.");
        }

        _limits = limits ?? new StateLimits();
        _limits.Validate();
        Self = self;
        _atoms = new Dictionary<StateId, StateAtom>(Math.Min(_limits.MaxAtoms, 1024));
        _wireScratch = new VersionVectorEntry[_limits.MaxVersionEntries];
    }

    /// <summary>This node.</summary>
    public NodeId Self { get; }

    /// <summary>The bounds.</summary>
    public StateLimits Limits => _limits;

    /// <summary>Outcome counters.</summary>
    public StateCounters Counters { get; } = new();

    /// <summary>Atoms held, tombstones included.</summary>
    public int Count => _atoms.Count;

    /// <summary>Bytes held, summed over <see cref="StateAtom.ByteSize"/>.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>The atoms (for digests and inspection; do not mutate).</summary>
    public Dictionary<StateId, StateAtom>.ValueCollection Atoms => _atoms.Values;

    /// <summary>The other participants a tombstone waits for.</summary>
    public IReadOnlyList<NodeId> Participants => _participants;

    public bool TryGetAtom(StateId id, out StateAtom atom) => _atoms.TryGetValue(id, out atom!);

    /// <summary>Adds a participant whose acknowledgement tombstones will wait for; false when full or known.</summary>
    public bool AddParticipant(NodeId node)
    {
        if (node == Self || node == NodeId.None || _participants.Contains(node) || _participants.Count >= _limits.MaxParticipants)
        {
            return false;
        }

        _participants.Add(node);
        return true;
    }

    /// <summary>Removes a participant (it left); tombstones that waited only for it are collected.</summary>
    public bool RemoveParticipant(NodeId node)
    {
        if (!_participants.Remove(node))
        {
            return false;
        }

        CollectTombstones();
        return true;
    }

    /// <summary>Records that <paramref name="participant"/> has the tombstone of <paramref name="id"/>; collects it when all have.</summary>
    public void AcknowledgeTombstone(StateId id, NodeId participant)
    {
        if (_atoms.TryGetValue(id, out var atom) && atom.IsDeleted && atom.Acknowledge(participant, _limits.MaxParticipants))
        {
            TryCollect(atom);
        }
    }

    // ---- events from the wire -------------------------------------------------------------------------------

    /// <summary>
    /// Applies one event block. On <see cref="StateStatus.Applied"/> the block itself (<see cref="EventBlock.Bytes"/>)
    /// is the delta to propagate; on anything else nothing changed and nothing is to be sent on.
    /// </summary>
    public StateStatus Apply(in EventBlock block)
    {
        if (block.VersionVector.Count > _limits.MaxVersionEntries)
        {
            return Counters.Count(StateStatus.AtomTooLarge);
        }

        var version = VersionVector.FromWire(block.VersionVector, _wireScratch);
        var status = block.EventType switch
        {
            EventType.StateCreate or EventType.StateUpdate or EventType.StateDelete
                or EventType.AuthorityGrant or EventType.AuthorityRevoke => ApplyOperation(block.EventType, block.StateId, version, block.Mutation),
            EventType.StateResponse or EventType.GapFill => ApplyMerge(block.StateId, version, block.Mutation),
            _ => StateStatus.Malformed,
        };
        return Counters.Count(status);
    }

    // ---- local operations: apply here, write the delta for the peers ----------------------------------------

    /// <summary>Creates an atom owned by this node.</summary>
    public StateStatus Create(StateId id, CrdtKind kind, ref EventBlockWriter delta, int blendDimensions = 0)
    {
        _payload[0] = (byte)kind;
        _payload[1] = (byte)blendDimensions;
        return Local(EventType.StateCreate, id, Mutation.Set(_payload.AsSpan(0, 2)), ref delta);
    }

    /// <summary>Writes an LWW register, stamped <paramref name="timestamp"/> (τs ticks).</summary>
    public StateStatus Set(StateId id, long timestamp, scoped ReadOnlySpan<byte> value, ref EventBlockWriter delta)
    {
        if (value.Length > _payload.Length - 8)
        {
            return Counters.Count(StateStatus.AtomTooLarge);
        }

        BinaryPrimitives.WriteInt64LittleEndian(_payload, timestamp);
        value.CopyTo(_payload.AsSpan(8));
        return Local(EventType.StateUpdate, id, Mutation.Set(_payload.AsSpan(0, 8 + value.Length)), ref delta);
    }

    /// <summary>Adds <paramref name="amount"/> (negative to decrement) to a PN-counter.</summary>
    public StateStatus Increment(StateId id, long amount, ref EventBlockWriter delta)
        => Local(EventType.StateUpdate, id, Mutation.Increment(amount), ref delta);

    /// <summary>Appends a message to a log.</summary>
    public StateStatus Append(StateId id, long timestamp, MessageId messageId, scoped ReadOnlySpan<byte> text, ref EventBlockWriter delta)
    {
        if (text.Length > _payload.Length - 16)
        {
            return Counters.Count(StateStatus.AtomTooLarge);
        }

        BinaryPrimitives.WriteInt64LittleEndian(_payload, timestamp);
        BinaryPrimitives.WriteUInt64LittleEndian(_payload.AsSpan(8), messageId.Value);
        text.CopyTo(_payload.AsSpan(16));
        return Local(EventType.StateUpdate, id, Mutation.Append(_payload.AsSpan(0, 16 + text.Length)), ref delta);
    }

    /// <summary>Adds an element to an observed-remove set.</summary>
    public StateStatus Add(StateId id, scoped ReadOnlySpan<byte> element, ref EventBlockWriter delta)
    {
        if (element.Length > _payload.Length)
        {
            return Counters.Count(StateStatus.AtomTooLarge);
        }

        element.CopyTo(_payload);
        return Local(EventType.StateUpdate, id, Mutation.Append(_payload.AsSpan(0, element.Length)), ref delta);
    }

    /// <summary>Removes every tag of <paramref name="element"/> this replica has observed.</summary>
    public StateStatus Remove(StateId id, scoped ReadOnlySpan<byte> element, ref EventBlockWriter delta)
    {
        if (!_atoms.TryGetValue(id, out var atom))
        {
            return Counters.Count(StateStatus.UnknownAtom);
        }

        if (atom.Value is not ObservedRemoveSet set)
        {
            return Counters.Count(StateStatus.KindMismatch);
        }

        var length = set.WriteRemoveBody(element, _payload);
        return length < 0
            ? Counters.Count(StateStatus.AtomTooLarge)
            : Local(EventType.StateUpdate, id, Mutation.Set(_payload.AsSpan(0, length)), ref delta);
    }

    /// <summary>Sets this node's weighted contribution to a blend.</summary>
    public StateStatus Blend(StateId id, float weight, scoped ReadOnlySpan<float> vector, ref EventBlockWriter delta)
    {
        if (vector.Length > BlendValue.MaxDimensions)
        {
            return Counters.Count(StateStatus.Malformed);
        }

        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(_payload.AsSpan(i * 4), vector[i]);
        }

        return Local(EventType.StateUpdate, id, Mutation.Blend(weight, _payload.AsSpan(0, vector.Length * 4)), ref delta);
    }

    /// <summary>Deletes an atom (it becomes a tombstone).</summary>
    public StateStatus Delete(StateId id, ref EventBlockWriter delta)
        => Local(EventType.StateDelete, id, Mutation.Delete(), ref delta);

    /// <summary>Grants (or revokes) <paramref name="node"/> authority over an atom this node owns.</summary>
    public StateStatus SetAuthority(StateId id, NodeId node, bool granted, ref EventBlockWriter delta)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_payload, node.Value);
        return Local(granted ? EventType.AuthorityGrant : EventType.AuthorityRevoke, id, Mutation.Set(_payload.AsSpan(0, 8)), ref delta);
    }

    /// <summary>Writes the whole atom as a Merge body into <paramref name="destination"/>; its length, or −1.</summary>
    public int WriteAtom(StateId id, Span<byte> destination)
    {
        if (!_atoms.TryGetValue(id, out var atom) || atom.EncodedLength > destination.Length)
        {
            return -1;
        }

        atom.Write(destination);
        return atom.EncodedLength;
    }

    private StateStatus Local(EventType type, StateId id, Mutation mutation, ref EventBlockWriter delta)
    {
        ulong counter = _atoms.TryGetValue(id, out var atom) ? atom.Version.Get(Self) + 1 : 1;
        if (EventBlock.EncodedLength(1, mutation.EncodedLength) > delta.Remaining)
        {
            return Counters.Count(StateStatus.DestinationTooSmall);
        }

        _dot[0] = new VersionVectorEntry(Self, counter);
        var status = ApplyOperation(type, id, _dot, mutation);
        if (status == StateStatus.Applied)
        {
            delta.TryAppend(type, id, _dot, mutation);
        }

        return Counters.Count(status);
    }

    // ---- operations -----------------------------------------------------------------------------------------

    private StateStatus ApplyOperation(EventType type, StateId id, ReadOnlySpan<VersionVectorEntry> version, Mutation mutation)
    {
        if (version.Length != 1 || version[0].Counter == 0 || version[0].Node == NodeId.None || id.Value == 0)
        {
            return StateStatus.Malformed;
        }

        var author = version[0].Node;
        var counter = version[0].Counter;
        if (!_atoms.TryGetValue(id, out var atom))
        {
            return type == EventType.StateCreate ? CreateAtom(id, author, counter, mutation) : StateStatus.UnknownAtom;
        }

        var seen = atom.Version.Get(author);
        if (counter <= seen)
        {
            return StateStatus.Duplicate;
        }

        if (counter > seen + 1)
        {
            return StateStatus.Gap;
        }

        var authorised = type is EventType.AuthorityGrant or EventType.AuthorityRevoke
            ? author == atom.Owner
            : type != EventType.StateCreate && atom.Authority.IsAuthorized(author, atom.Owner);
        if (!authorised)
        {
            // A create of an existing atom by another node is a concurrent create: the merge of the two states at
            // reconciliation settles the owner; as an operation it may not take the atom over.
            return type == EventType.StateCreate && author == atom.Owner ? StateStatus.Duplicate : StateStatus.Unauthorized;
        }

        var growth = seen == 0 ? StateAtom.VersionEntrySize : 0;
        var before = atom.ByteSize;
        StateStatus status;
        if (atom.IsDeleted)
        {
            status = !IsWellFormedOperation(type, atom, mutation) ? StateStatus.Malformed : CheckGrowth(atom, growth);
            if (status == StateStatus.Applied)
            {
                Commit(atom, author, counter);
                status = StateStatus.Deleted;
            }
        }
        else
        {
            status = type switch
            {
                EventType.StateUpdate => ApplyUpdate(atom, author, counter, mutation, growth),
                EventType.StateDelete => mutation.Kind == MutationKind.Delete ? DeleteAtom(atom, author, counter, growth) : StateStatus.Malformed,
                _ => ApplyAuthority(atom, type == EventType.AuthorityGrant, author, counter, mutation, growth),
            };
        }

        TotalBytes += atom.ByteSize - before;
        if (status == StateStatus.Applied && type == EventType.StateDelete)
        {
            TryCollect(atom);
        }

        return status;
    }

    private StateStatus CreateAtom(StateId id, NodeId author, ulong counter, Mutation mutation)
    {
        if (!TryReadCreate(mutation, out var kind, out var dimensions) || counter != 1)
        {
            return StateStatus.Malformed;
        }

        if (_atoms.Count >= _limits.MaxAtoms)
        {
            return StateStatus.AtomLimitExceeded;
        }

        var atom = new StateAtom(id, kind, author, AtomValue.Create(kind, dimensions));
        atom.Version.Set(author, 1);
        var size = atom.ByteSize;
        if (TotalBytes + size > _limits.MaxBytes)
        {
            return StateStatus.ByteLimitExceeded;
        }

        _atoms.Add(id, atom);
        TotalBytes += size;
        return StateStatus.Applied;
    }

    private static bool TryReadCreate(Mutation mutation, out CrdtKind kind, out int dimensions)
    {
        kind = default;
        dimensions = 0;
        if (mutation.Kind != MutationKind.Set || mutation.Bytes.Length != 2)
        {
            return false;
        }

        kind = (CrdtKind)mutation.Bytes[0];
        dimensions = mutation.Bytes[1];
        return kind is >= CrdtKind.LwwRegister and <= CrdtKind.Blend
            && (kind == CrdtKind.Blend ? dimensions is >= 1 and <= BlendValue.MaxDimensions : dimensions == 0);
    }

    /// <summary>Whether an operation on a tombstone would have been valid on the live atom (so it may advance the version).</summary>
    private static bool IsWellFormedOperation(EventType type, StateAtom atom, Mutation mutation) => type switch
    {
        EventType.StateDelete => mutation.Kind == MutationKind.Delete,
        EventType.AuthorityGrant or EventType.AuthorityRevoke => mutation.Kind == MutationKind.Set && mutation.Bytes.Length == 8,
        _ => (atom.Kind, mutation.Kind) switch
        {
            (CrdtKind.LwwRegister, MutationKind.Set) => mutation.Bytes.Length >= 8,
            (CrdtKind.PnCounter, MutationKind.Increment) => true,
            (CrdtKind.AppendLog, MutationKind.Append) => mutation.Bytes.Length >= 16,
            (CrdtKind.ObservedRemoveSet, MutationKind.Append or MutationKind.Set) => true,
            (CrdtKind.Blend, MutationKind.Blend) => true,
            _ => false,
        },
    };

    private StateStatus ApplyUpdate(StateAtom atom, NodeId author, ulong counter, Mutation mutation, int growth)
    {
        var body = mutation.Bytes;
        StateStatus limit;
        switch (atom.Value)
        {
            case LwwRegister register when mutation.Kind == MutationKind.Set && body.Length >= 8:
            {
                var timestamp = BinaryPrimitives.ReadInt64LittleEndian(body);
                var value = body[8..];
                var wins = register.Wins(timestamp, author, counter);
                limit = CheckGrowth(atom, growth + (wins ? value.Length - register.Value.Length : 0));
                if (limit != StateStatus.Applied)
                {
                    return limit;
                }

                register.Offer(timestamp, author, counter, value);
                break;
            }

            case PnCounter pn when mutation.Kind == MutationKind.Increment:
            {
                limit = CheckGrowth(atom, growth + (pn.IsNew(author) ? PnCounter.EntrySize : 0));
                if (limit != StateStatus.Applied)
                {
                    return limit;
                }

                if (!pn.TryAdd(author, mutation.Delta))
                {
                    return StateStatus.Overflow;
                }

                break;
            }

            case AppendLog log when mutation.Kind == MutationKind.Append && body.Length >= 16:
            {
                var text = body[16..];
                limit = CheckGrowth(atom, growth + AppendLog.EntryOverhead + text.Length);
                if (limit != StateStatus.Applied)
                {
                    return limit;
                }

                // A message id already in the log is a duplicate of content, not of the event: the dot still counts.
                log.TryAdd(BinaryPrimitives.ReadInt64LittleEndian(body), author, counter, new MessageId(BinaryPrimitives.ReadUInt64LittleEndian(body[8..])), text);
                break;
            }

            case ObservedRemoveSet set when mutation.Kind == MutationKind.Append:
            {
                limit = CheckGrowth(atom, growth + ObservedRemoveSet.TagOverhead + body.Length);
                if (limit != StateStatus.Applied)
                {
                    return limit;
                }

                set.TryAdd(author, counter, body);
                break;
            }

            case ObservedRemoveSet set when mutation.Kind == MutationKind.Set:
            {
                var status = RemoveObserved(atom, set, body, growth);
                if (status != StateStatus.Applied)
                {
                    return status;
                }

                break;
            }

            case BlendValue blend when mutation.Kind == MutationKind.Blend:
            {
                if (!BlendValue.IsValidWeight(mutation.Weight) || body.Length != blend.Dimensions * 4 || !TryReadVector(body, blend.Dimensions))
                {
                    return StateStatus.Malformed;
                }

                limit = CheckGrowth(atom, growth + (blend.IsNew(author) ? blend.EntrySize : 0));
                if (limit != StateStatus.Applied)
                {
                    return limit;
                }

                blend.Offer(author, counter, mutation.Weight, _vector.AsSpan(0, blend.Dimensions));
                break;
            }

            default:
                return StateStatus.Malformed;
        }

        Commit(atom, author, counter);
        return StateStatus.Applied;
    }

    private StateStatus RemoveObserved(StateAtom atom, ObservedRemoveSet set, ReadOnlySpan<byte> body, int growth)
    {
        var reader = new BodyReader(body);
        int count = reader.ReadUInt16();
        if (reader.Failed || body.Length != 2 + (count * ObservedRemoveSet.RemovedTagSize))
        {
            return StateStatus.Malformed;
        }

        // Causality: the remover observed these adds; until this replica has them too the remove cannot be placed.
        for (var i = 0; i < count; i++)
        {
            var node = new NodeId(reader.ReadUInt64());
            if (reader.ReadUInt64() > atom.Version.Get(node))
            {
                return StateStatus.Gap;
            }
        }

        var limit = CheckGrowth(atom, growth);
        if (limit != StateStatus.Applied)
        {
            return limit;
        }

        var tags = body[2..];
        for (var i = 0; i < count; i++)
        {
            var tag = tags.Slice(i * ObservedRemoveSet.RemovedTagSize, ObservedRemoveSet.RemovedTagSize);
            set.Remove(new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(tag)), BinaryPrimitives.ReadUInt64LittleEndian(tag[8..]));
        }

        return StateStatus.Applied;
    }

    private bool TryReadVector(ReadOnlySpan<byte> body, int dimensions)
    {
        for (var d = 0; d < dimensions; d++)
        {
            var v = BinaryPrimitives.ReadSingleLittleEndian(body[(d * 4)..]);
            if (!float.IsFinite(v))
            {
                return false;
            }

            _vector[d] = v;
        }

        return true;
    }

    private StateStatus DeleteAtom(StateAtom atom, NodeId author, ulong counter, int growth)
    {
        var limit = CheckGrowth(atom, growth);
        if (limit != StateStatus.Applied)
        {
            return limit;
        }

        Commit(atom, author, counter);
        atom.IsDeleted = true;
        atom.Value.Clear();
        return StateStatus.Applied;
    }

    private StateStatus ApplyAuthority(StateAtom atom, bool granted, NodeId author, ulong counter, Mutation mutation, int growth)
    {
        if (mutation.Kind != MutationKind.Set || mutation.Bytes.Length != 8)
        {
            return StateStatus.Malformed;
        }

        var node = new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(mutation.Bytes));
        if (node == NodeId.None || node == atom.Owner)
        {
            return StateStatus.Malformed;
        }

        var limit = CheckGrowth(atom, growth + AuthoritySet.EntrySize);
        if (limit != StateStatus.Applied)
        {
            return limit;
        }

        if (!atom.Authority.TrySet(node, counter, granted))
        {
            return StateStatus.AtomTooLarge;
        }

        Commit(atom, author, counter);
        return StateStatus.Applied;
    }

    /// <summary>Checks that growing <paramref name="atom"/> by <paramref name="growth"/> bytes stays in bounds.</summary>
    private StateStatus CheckGrowth(StateAtom atom, int growth)
    {
        if (growth <= 0)
        {
            return StateStatus.Applied;
        }

        if (atom.ByteSize + growth > _limits.MaxAtomBytes)
        {
            return StateStatus.AtomTooLarge;
        }

        return TotalBytes + growth > _limits.MaxBytes ? StateStatus.ByteLimitExceeded : StateStatus.Applied;
    }

    /// <summary>Advances the author's counter and re-counts the atom's bytes.</summary>
    /// <summary>Advances the author's counter: its event is in.</summary>
    private static void Commit(StateAtom atom, NodeId author, ulong counter) => atom.Version.Set(author, counter);

    // ---- merges ---------------------------------------------------------------------------------------------

    private StateStatus ApplyMerge(StateId id, ReadOnlySpan<VersionVectorEntry> version, Mutation mutation)
    {
        if (mutation.Kind != MutationKind.Merge || id.Value == 0 || version.IsEmpty)
        {
            return StateStatus.Malformed;
        }

        var reader = new BodyReader(mutation.Bytes);
        var kind = (CrdtKind)reader.ReadByte();
        var owner = new NodeId(reader.ReadUInt64());
        var flags = reader.ReadByte();
        int authorities = reader.ReadByte();
        if (reader.Failed || kind is < CrdtKind.LwwRegister or > CrdtKind.Blend || owner == NodeId.None || flags > 1
            || !_incomingAuthority.TryRead(ref reader, authorities))
        {
            return StateStatus.Malformed;
        }

        var incoming = Scratch(_incoming, kind);
        if (!incoming.TryRead(reader.ReadRest()) || (flags == 1 && incoming.EncodedLength != EmptyLength(incoming)))
        {
            return StateStatus.Malformed;
        }

        var isNew = !_atoms.TryGetValue(id, out var atom);
        if (isNew)
        {
            if (_atoms.Count >= _limits.MaxAtoms)
            {
                return StateStatus.AtomLimitExceeded;
            }

            atom = new StateAtom(id, kind, owner, AtomValue.Create(kind, incoming is BlendValue b ? b.Dimensions : 0));
        }
        else if (atom!.Kind != kind || (atom.Value is BlendValue mine && incoming is BlendValue theirs && mine.Dimensions != theirs.Dimensions))
        {
            return StateStatus.KindMismatch;
        }
        else
        {
            var order = VersionVector.Compare(atom.Version.Entries, version);
            if (order is VersionOrder.Equal or VersionOrder.Dominates)
            {
                return StateStatus.Duplicate;
            }
        }

        // The join, computed beside the atom so a bound can refuse it without leaving half a merge behind.
        var mergedOwner = atom.Owner.Value <= owner.Value ? atom.Owner : owner;
        _candidateAuthority.CopyFrom(atom.Authority);
        if (!_candidateAuthority.TryJoin(_incomingAuthority))
        {
            return StateStatus.AtomTooLarge;
        }

        var deleted = atom.IsDeleted || flags == 1;
        var candidate = Scratch(_candidate, kind);
        candidate.CopyFrom(atom.Value);
        if (deleted)
        {
            candidate.Clear();
        }
        else
        {
            candidate.Join(incoming, atom.Version.Entries, version);
            Counters.UnauthorizedContributions += candidate.RemoveUnauthorized(_candidateAuthority, mergedOwner);
        }

        _candidateVersion.CopyFrom(atom.Version.Entries);
        _filteredVersion.Clear();
        foreach (var entry in version)
        {
            if (_candidateAuthority.MayHaveContributed(entry.Node, mergedOwner))
            {
                _filteredVersion.Set(entry.Node, entry.Counter);
            }
        }

        _candidateVersion.MergeFrom(_filteredVersion.Entries);
        if (_candidateVersion.Count > _limits.MaxVersionEntries)
        {
            return StateStatus.AtomTooLarge;
        }

        var size = StateAtom.HeaderSize + _candidateAuthority.EncodedLength + candidate.EncodedLength + (_candidateVersion.Count * StateAtom.VersionEntrySize);
        var before = isNew ? 0 : atom.ByteSize;
        if (size > _limits.MaxAtomBytes)
        {
            return StateStatus.AtomTooLarge;
        }

        if (TotalBytes - before + size > _limits.MaxBytes)
        {
            return StateStatus.ByteLimitExceeded;
        }

        // Swap the candidate in; the atom's old storage becomes the next merge's scratch (no allocation).
        _candidate[(int)kind] = atom.Value;
        atom.Value = candidate;
        (atom.Authority, _candidateAuthority) = (_candidateAuthority, atom.Authority);
        (atom.Version, _candidateVersion) = (_candidateVersion, atom.Version);
        atom.Owner = mergedOwner;
        if (isNew)
        {
            _atoms.Add(id, atom);
        }

        TotalBytes += size - before;
        if (deleted && !atom.IsDeleted)
        {
            atom.IsDeleted = true;
            TryCollect(atom);
        }

        return StateStatus.Applied;
    }

    private static int EmptyLength(AtomValue value) => value switch
    {
        LwwRegister => LwwRegister.Overhead,
        BlendValue => 3,
        _ => 2,
    };

    private static AtomValue Scratch(AtomValue?[] slots, CrdtKind kind)
        => slots[(int)kind] ??= AtomValue.Create(kind, 1);

    // ---- tombstones -----------------------------------------------------------------------------------------

    private void TryCollect(StateAtom atom)
    {
        foreach (var participant in _participants)
        {
            if (!atom.HasAcknowledged(participant))
            {
                return;
            }
        }

        _atoms.Remove(atom.Id);
        TotalBytes -= atom.ByteSize;
        Counters.TombstonesCollected++;
    }

    private void CollectTombstones()
    {
        // Rare (a participant left): a snapshot keeps the dictionary safe to modify.
        var tombstones = new List<StateAtom>();
        foreach (var atom in _atoms.Values)
        {
            if (atom.IsDeleted)
            {
                tombstones.Add(atom);
            }
        }

        foreach (var atom in tombstones)
        {
            TryCollect(atom);
        }
    }
}
