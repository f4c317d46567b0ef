using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Wire;

public sealed class EventBlockTests
{
    // StateUpdate of state 0x0A, vv {(1, 5), (2, 7)}, Increment by -3: written by hand from WIRE.md.
    private static readonly byte[] IncrementBlock =
    [
        0x02,
        0x0A, 0, 0, 0, 0, 0, 0, 0,
        0x20, 0x00,
        0x01, 0, 0, 0, 0, 0, 0, 0, 0x05, 0, 0, 0, 0, 0, 0, 0,
        0x02, 0, 0, 0, 0, 0, 0, 0, 0x07, 0, 0, 0, 0, 0, 0, 0,
        0x09, 0x00,
        0x02, 0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];

    [Fact]
    public void The_reader_reads_a_hand_written_block()
    {
        var r = new EventBlockReader(IncrementBlock);
        Assert.True(r.MoveNext());
        var b = r.Current;
        Assert.Equal(EventType.StateUpdate, b.EventType);
        Assert.Equal(new StateId(0x0A), b.StateId);
        Assert.Equal(2, b.VersionVector.Count);
        Assert.Equal(new VersionVectorEntry(new NodeId(1), 5), b.VersionVector[0]);
        Assert.Equal(new VersionVectorEntry(new NodeId(2), 7), b.VersionVector[1]);
        Assert.Equal(MutationKind.Increment, b.Mutation.Kind);
        Assert.Equal(-3, b.Mutation.Delta);
        Assert.Equal(0, b.Offset);
        Assert.Equal(IncrementBlock.Length, b.Bytes.Length);
        Assert.False(r.MoveNext());
        Assert.Equal(WireStatus.Ok, r.Status);
        Assert.Equal(1, r.Count);
    }

    [Fact]
    public void The_writer_writes_the_hand_written_block()
    {
        var buffer = new byte[100];
        var w = new EventBlockWriter(buffer);
        VersionVectorEntry[] vv = [new(new NodeId(1), 5), new(new NodeId(2), 7)];
        Assert.Equal(WireStatus.Ok, w.TryAppend(EventType.StateUpdate, new StateId(0x0A), vv, Mutation.Increment(-3)));
        Assert.Equal(IncrementBlock, w.Written.ToArray());
    }

    [Fact]
    public void Hand_written_blocks_of_the_byte_carrying_kinds_decode()
    {
        byte[] payload =
        [
            // TextAppend, state 1, no vv, Set "hi"
            0x80, 1, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x05, 0x00, 0x01, 0x02, 0x00, (byte)'h', (byte)'i',
            // FeedAppend, state 2, no vv, Append [9]
            0xD0, 2, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x04, 0x00, 0x03, 0x01, 0x00, 0x09,
            // StateUpdate, state 3, no vv, Merge []
            0x02, 3, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00,
            // StateDelete, state 4, no vv, Delete
            0x03, 4, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x01, 0x00, 0x05,
            // VoiceFrame, state 5, no vv, Blend 0.5 [1,2]
            0x90, 5, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x09, 0x00, 0x06, 0x00, 0x00, 0x00, 0x3F, 0x02, 0x00, 0x01, 0x02,
        ];
        Assert.True(EventBlockReader.TryValidate(payload, out var count, out var status, out var offset));
        Assert.Equal(5, count);
        Assert.Equal(WireStatus.Ok, status);
        Assert.Equal(payload.Length, offset);

        var r = new EventBlockReader(payload);
        Assert.True(r.MoveNext());
        Assert.Equal(MutationKind.Set, r.Current.Mutation.Kind);
        Assert.Equal("hi"u8.ToArray(), r.Current.Mutation.Bytes.ToArray());
        Assert.True(r.MoveNext());
        Assert.Equal(MutationKind.Append, r.Current.Mutation.Kind);
        Assert.Equal(new byte[] { 9 }, r.Current.Mutation.Bytes.ToArray());
        Assert.Equal(18, r.Current.Offset);
        Assert.True(r.MoveNext());
        Assert.Equal(MutationKind.Merge, r.Current.Mutation.Kind);
        Assert.Equal(0, r.Current.Mutation.Bytes.Length);
        Assert.True(r.MoveNext());
        Assert.Equal(MutationKind.Delete, r.Current.Mutation.Kind);
        Assert.Equal(EventType.StateDelete, r.Current.EventType);
        Assert.True(r.MoveNext());
        Assert.Equal(MutationKind.Blend, r.Current.Mutation.Kind);
        Assert.Equal(0.5f, r.Current.Mutation.Weight);
        Assert.Equal(new byte[] { 1, 2 }, r.Current.Mutation.Bytes.ToArray());
        Assert.Equal(new StateId(5), r.Current.StateId);
        Assert.False(r.MoveNext());
    }

    [Fact]
    public void All_six_kinds_round_trip_through_writer_and_reader()
    {
        var buffer = new byte[400];
        var w = new EventBlockWriter(buffer);
        VersionVectorEntry[] vv = [new(new NodeId(3), 1), new(new NodeId(9), ulong.MaxValue)];
        Assert.Equal(WireStatus.Ok, w.TryAppend(EventType.StateCreate, new StateId(1), vv, Mutation.Set([1, 2, 3])));
        Assert.Equal(WireStatus.Ok, w.TryAppend(EventType.StateUpdate, new StateId(2), [], Mutation.Increment(long.MinValue)));
        Assert.Equal(WireStatus.Ok, w.TryAppend(EventType.TextAppend, new StateId(3), vv, Mutation.Append("abc"u8)));
        Assert.Equal(WireStatus.Ok, w.TryAppend(EventType.SessionSync, new StateId(4), [], Mutation.Merge([0xFF])));
        Assert.Equal(WireStatus.Ok, w.TryAppend(EventType.StateDelete, new StateId(5), vv, Mutation.Delete()));
        Assert.Equal(WireStatus.Ok, w.TryAppend(EventType.PresenceUpdate, new StateId(6), [], Mutation.Blend(-1.25f, [7])));
        Assert.Equal(6, w.Count);

        var kinds = new List<MutationKind>();
        var states = new List<ulong>();
        foreach (var block in new EventBlockReader(w.Written))
        {
            kinds.Add(block.Mutation.Kind);
            states.Add(block.StateId.Value);
            if (block.VersionVector.Count > 0)
            {
                var entries = new List<VersionVectorEntry>();
                foreach (var e in block.VersionVector)
                {
                    entries.Add(e);
                }

                Assert.Equal(vv, entries);
            }

            switch (block.Mutation.Kind)
            {
                case MutationKind.Increment:
                    Assert.Equal(long.MinValue, block.Mutation.Delta);
                    break;
                case MutationKind.Blend:
                    Assert.Equal(-1.25f, block.Mutation.Weight);
                    Assert.Equal(new byte[] { 7 }, block.Mutation.Bytes.ToArray());
                    break;
                case MutationKind.Append:
                    Assert.Equal("abc"u8.ToArray(), block.Mutation.Bytes.ToArray());
                    break;
            }
        }

        Assert.Equal([MutationKind.Set, MutationKind.Increment, MutationKind.Append, MutationKind.Merge, MutationKind.Delete, MutationKind.Blend], kinds);
        Assert.Equal([1UL, 2, 3, 4, 5, 6], states);
    }

    [Fact]
    public void The_writer_checks_the_remaining_capacity_and_writes_nothing_that_does_not_fit()
    {
        var buffer = new byte[IncrementBlock.Length + 10];
        var w = new EventBlockWriter(buffer);
        VersionVectorEntry[] vv = [new(new NodeId(1), 5), new(new NodeId(2), 7)];
        Assert.Equal(WireStatus.Ok, w.TryAppend(EventType.StateUpdate, new StateId(0x0A), vv, Mutation.Increment(-3)));
        Assert.Equal(10, w.Remaining);
        Assert.Equal(WireStatus.DestinationTooSmall, w.TryAppend(EventType.StateDelete, new StateId(1), [], Mutation.Set([1])));
        Assert.Equal(IncrementBlock.Length, w.BytesWritten);
        Assert.Equal(1, w.Count);
        Assert.True(buffer.AsSpan(IncrementBlock.Length).IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void The_writer_refuses_blocks_a_reader_would_refuse()
    {
        var w = new EventBlockWriter(new byte[200]);
        VersionVectorEntry[] unsorted = [new(new NodeId(2), 1), new(new NodeId(1), 1)];
        VersionVectorEntry[] repeated = [new(new NodeId(2), 1), new(new NodeId(2), 2)];
        Assert.Equal(WireStatus.VersionVectorUnsorted, w.TryAppend(EventType.StateUpdate, default, unsorted, Mutation.Delete()));
        Assert.Equal(WireStatus.VersionVectorUnsorted, w.TryAppend(EventType.StateUpdate, default, repeated, Mutation.Delete()));
        Assert.Equal(WireStatus.UnknownEventType, w.TryAppend((EventType)0x7F, default, [], Mutation.Delete()));
        Assert.Equal(WireStatus.ValueOutOfRange, w.TryAppend(EventType.StateUpdate, default, [], Mutation.Blend(float.NaN, [])));
        Assert.Equal(WireStatus.ValueOutOfRange, w.TryAppend(EventType.StateUpdate, default, [], Mutation.Set(new byte[70000])));
        Assert.Equal(0, w.BytesWritten);
    }

    [Fact]
    public void An_empty_payload_is_not_a_valid_block_list()
    {
        Assert.False(EventBlockReader.TryValidate([], out var count, out var status, out var offset));
        Assert.Equal(WireStatus.EmptyPayload, status);
        Assert.Equal(0, count);
        Assert.Equal(0, offset);
    }

    public static TheoryData<int, byte, WireStatus, int> Corruptions() => new()
    {
        { 0, 0x7F, WireStatus.UnknownEventType, 0 },
        { 9, 0x21, WireStatus.VersionVectorLengthInvalid, 9 },
        { 9, 0x30, WireStatus.BlockTruncated, 9 },
        { 11, 0x03, WireStatus.VersionVectorUnsorted, 27 },
        { 27, 0x01, WireStatus.VersionVectorUnsorted, 27 },
        { 43, 0x0A, WireStatus.BlockTruncated, 43 },
        { 43, 0x08, WireStatus.MutationLengthInvalid, 43 },
        { 43, 0x00, WireStatus.MutationLengthInvalid, 43 },
        { 45, 0x07, WireStatus.UnknownMutation, 45 },
        { 45, 0x05, WireStatus.MutationLengthInvalid, 43 },
        { 45, 0x01, WireStatus.MutationLengthInvalid, 46 },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void The_reader_names_the_fault_and_where(int index, byte value, WireStatus reason, int at)
    {
        var block = (byte[])IncrementBlock.Clone();
        block[index] = value;
        var r = new EventBlockReader(block);
        Assert.False(r.MoveNext());
        Assert.Equal(reason, r.Status);
        Assert.Equal(at, r.Offset);
    }

    [Fact]
    public void A_non_finite_blend_weight_is_refused_at_the_weight()
    {
        byte[] block = [0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x07, 0x00, 0x06, 0x00, 0x00, 0xC0, 0x7F, 0x00, 0x00];
        var r = new EventBlockReader(block);
        Assert.False(r.MoveNext());
        Assert.Equal(WireStatus.ValueOutOfRange, r.Status);
        Assert.Equal(14, r.Offset);
    }

    [Fact]
    public void Every_truncation_of_a_block_is_refused_as_truncated()
    {
        for (var length = 1; length < IncrementBlock.Length; length++)
        {
            var r = new EventBlockReader(IncrementBlock.AsSpan(0, length));
            Assert.False(r.MoveNext());
            Assert.Equal(WireStatus.BlockTruncated, r.Status);
            Assert.InRange(r.Offset, 1, length);
        }
    }

    [Fact]
    public void Every_defined_event_type_is_accepted_and_no_other()
    {
        var defined = Enum.GetValues<EventType>().Select(t => (int)(byte)t).ToHashSet();
        Assert.Equal(29, defined.Count); // the 28 of the published table and ApplicationDefined (0xE0)
        for (var b = 0; b < 256; b++)
        {
            Assert.Equal(defined.Contains(b), EventTypes.IsDefined((byte)b));
        }
    }
}
