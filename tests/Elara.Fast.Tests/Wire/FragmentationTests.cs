using Elara.Fast.Primitives;
using Elara.Fast.Wire;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Wire;

public sealed class FragmentationTests
{
    private static readonly FrameHeader First = new(0, CryptoSuite.ChaCha20Poly1305, FrameFlags.Priority, 0,
        new SessionId(77), new NodeId(88), PacketClass.Core, RepresentationProfile.Textual, 5, 3, 0xFFFE);

    private static byte[] Payload(int length, int seed)
    {
        var payload = new byte[length];
        new Random(seed).NextBytes(payload);
        return payload;
    }

    private static List<byte[]> Split(byte[] payload, ReadOnlySpan<byte> extra = default)
    {
        var frames = new List<byte[]>();
        var count = PayloadFragmenter.FragmentCount(payload.Length, extra.Length);
        var buffer = new byte[FrameLayout.MaxFrame];
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(WireStatus.Ok, PayloadFragmenter.TryWriteFragment(payload, i, First, extra, buffer, out var length));
            frames.Add(buffer.AsSpan(0, length).ToArray());
        }

        return frames;
    }

    [Fact]
    public void A_payload_splits_into_valid_frames_of_at_most_1400_bytes()
    {
        var payload = Payload(5000, 1);
        var frames = Split(payload, [0x04, 0x01, 0x02]);
        Assert.Equal(4, frames.Count); // chunk = 1400 - 30 - 6 - 3 - 16 = 1345
        Assert.Equal(1345, PayloadFragmenter.ChunkSize(3));
        var joined = new List<byte>();
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            Assert.True(frame.Length <= 1400);
            Assert.True(FrameLayout.TryParse(frame, out var layout, out var status), status.ToString());
            var h = layout.Header;
            Assert.Equal(FrameFlags.Priority | FrameFlags.Fragment | FrameFlags.Extension, h.Flags);
            Assert.Equal(39, h.HeaderLength);
            Assert.True(layout.Extensions.TryGetFragmentInfo(out var info));
            Assert.Equal(new FragmentInfo((ushort)i, 4), info);
            Assert.True(layout.Extensions.TryGetRelayHop(out var hop));
            Assert.Equal((byte)2, hop);
            // Counters run on from the first fragment's (3 · 65536 + 0xFFFE), across the epoch boundary.
            Assert.Equal((3u << 16) + 0xFFFEu + (uint)i, h.Counter);
            Assert.True(layout.Tag.IndexOfAnyExcept((byte)0) < 0);
            joined.AddRange(layout.Ciphertext.ToArray());
        }

        Assert.Equal(payload, joined.ToArray());
    }

    [Fact]
    public void The_fragmenter_refuses_bad_requests()
    {
        var buffer = new byte[1400];
        var payload = Payload(3000, 2);
        Assert.Equal(WireStatus.ValueOutOfRange, PayloadFragmenter.TryWriteFragment(payload, 3, First, default, buffer, out _));
        Assert.Equal(WireStatus.ValueOutOfRange, PayloadFragmenter.TryWriteFragment(payload, -1, First, default, buffer, out _));
        Assert.Equal(WireStatus.ValueOutOfRange, PayloadFragmenter.TryWriteFragment([], 0, First, default, buffer, out _));
        Assert.Equal(WireStatus.DuplicateExtension, PayloadFragmenter.TryWriteFragment(payload, 0, First, [0x08, 0x04, 0, 0, 1, 0], buffer, out _));
        Assert.Equal(WireStatus.ExtensionOverrun, PayloadFragmenter.TryWriteFragment(payload, 0, First, [0x04, 0x05], buffer, out _));
        Assert.Equal(WireStatus.DestinationTooSmall, PayloadFragmenter.TryWriteFragment(payload, 0, First, default, new byte[100], out _));
        Assert.Equal(0, PayloadFragmenter.FragmentCount(0));
        Assert.Equal(0, PayloadFragmenter.FragmentCount((1348 * 65535) + 1));
        Assert.Equal(65535, PayloadFragmenter.FragmentCount(1348 * 65535));
    }

    private static ReassemblyStatus AddFrame(FragmentReassembler r, byte[] frame, out byte[] payload)
    {
        Assert.True(FrameLayout.TryParse(frame, out var layout, out _));
        Assert.True(layout.Extensions.TryGetFragmentInfo(out var info));
        var status = r.Add(layout.Header, info, layout.Ciphertext, out var assembled);
        payload = assembled.ToArray();
        return status;
    }

    [Fact]
    public void Fragments_in_any_order_reassemble_into_the_payload()
    {
        var payload = Payload(6000, 3);
        var frames = Split(payload).ToArray();
        new Random(4).Shuffle(frames);
        var r = new FragmentReassembler(new FragmentReassemblerOptions(), new FakeTimeProvider());
        byte[]? result = null;
        for (var i = 0; i < frames.Length; i++)
        {
            var status = AddFrame(r, frames[i], out var assembled);
            if (i < frames.Length - 1)
            {
                Assert.Equal(ReassemblyStatus.Stored, status);
            }
            else
            {
                Assert.Equal(ReassemblyStatus.Complete, status);
                result = assembled;
            }
        }

        Assert.Equal(payload, result);
        Assert.Equal(1, r.Completed);
        Assert.Equal(0, r.BufferedBytes);
        Assert.Equal(0, r.SetsInProgress);
    }

    [Fact]
    public void A_duplicate_fragment_is_counted_and_dropped()
    {
        var frames = Split(Payload(3000, 5));
        var r = new FragmentReassembler(new FragmentReassemblerOptions(), new FakeTimeProvider());
        Assert.Equal(ReassemblyStatus.Stored, AddFrame(r, frames[0], out _));
        Assert.Equal(ReassemblyStatus.Duplicate, AddFrame(r, frames[0], out _));
        Assert.Equal(1, r.Duplicates);
        Assert.Equal(FragmentReassembler.SlotSize, r.BufferedBytes);
    }

    [Fact]
    public void Invalid_fragments_are_counted_and_dropped()
    {
        var r = new FragmentReassembler(new FragmentReassemblerOptions { MaxFragmentsPerSet = 4 }, new FakeTimeProvider());
        var key = new FragmentSetKey(new SessionId(1), new NodeId(2), PacketClass.Core, 10);
        Assert.Equal(ReassemblyStatus.Invalid, r.Add(key, new FragmentInfo(2, 2), [1], out _));
        Assert.Equal(ReassemblyStatus.Invalid, r.Add(key, new FragmentInfo(0, 5), [1], out _));
        Assert.Equal(ReassemblyStatus.Invalid, r.Add(key, new FragmentInfo(0, 2), [], out _));
        Assert.Equal(ReassemblyStatus.Invalid, r.Add(key, new FragmentInfo(0, 2), new byte[1355], out _));
        Assert.Equal(ReassemblyStatus.Stored, r.Add(key, new FragmentInfo(0, 2), [1], out _));
        Assert.Equal(ReassemblyStatus.Invalid, r.Add(key, new FragmentInfo(1, 3), [1], out _));
        Assert.Equal(5, r.Invalid);
        Assert.Equal(ReassemblyStatus.Complete, r.Add(key, new FragmentInfo(1, 2), [2, 3], out var payload));
        Assert.Equal(new byte[] { 1, 2, 3 }, payload.ToArray());
    }

    [Fact]
    public void A_set_of_one_completes_at_once_without_storage()
    {
        var r = new FragmentReassembler(new FragmentReassemblerOptions(), new FakeTimeProvider());
        var key = new FragmentSetKey(new SessionId(1), new NodeId(2), PacketClass.Core, 10);
        Assert.Equal(ReassemblyStatus.Complete, r.Add(key, new FragmentInfo(0, 1), [9, 8], out var payload));
        Assert.Equal(new byte[] { 9, 8 }, payload.ToArray());
        Assert.Equal(0, r.BufferedBytes);
    }

    [Fact]
    public void The_memory_budget_is_never_exceeded_and_new_fragments_are_dropped_when_full()
    {
        var time = new FakeTimeProvider();
        var r = new FragmentReassembler(new FragmentReassemblerOptions { MemoryBudgetBytes = 3 * FragmentReassembler.SlotSize, MaxConcurrentSets = 8 }, time);
        for (uint set = 0; set < 3; set++)
        {
            Assert.Equal(ReassemblyStatus.Stored, r.Add(new FragmentSetKey(default, default, PacketClass.Core, set * 100), new FragmentInfo(0, 2), [1], out _));
        }

        Assert.Equal(ReassemblyStatus.OverBudget, r.Add(new FragmentSetKey(default, default, PacketClass.Core, 999), new FragmentInfo(0, 2), [1], out _));
        Assert.Equal(1, r.DroppedOverBudget);
        Assert.Equal(r.CapacityBytes, r.BufferedBytes);

        // An in-progress set cannot complete either while the slab is full: its last fragment needs a slot too.
        Assert.Equal(ReassemblyStatus.OverBudget, r.Add(new FragmentSetKey(default, default, PacketClass.Core, 0), new FragmentInfo(1, 2), [2], out _));

        // Past the timeout, stale sets make room.
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(ReassemblyStatus.Stored, r.Add(new FragmentSetKey(default, default, PacketClass.Core, 999), new FragmentInfo(0, 2), [1], out _));
        Assert.Equal(3, r.ExpiredSets);
        Assert.Equal(1, r.SetsInProgress);
    }

    [Fact]
    public void The_set_table_is_bounded()
    {
        var r = new FragmentReassembler(new FragmentReassemblerOptions { MaxConcurrentSets = 2 }, new FakeTimeProvider());
        Assert.Equal(ReassemblyStatus.Stored, r.Add(new FragmentSetKey(default, default, PacketClass.Core, 1), new FragmentInfo(0, 2), [1], out _));
        Assert.Equal(ReassemblyStatus.Stored, r.Add(new FragmentSetKey(default, default, PacketClass.Core, 2), new FragmentInfo(0, 2), [1], out _));
        Assert.Equal(ReassemblyStatus.OverBudget, r.Add(new FragmentSetKey(default, default, PacketClass.Core, 3), new FragmentInfo(0, 2), [1], out _));
        Assert.Equal(ReassemblyStatus.Complete, r.Add(new FragmentSetKey(default, default, PacketClass.Core, 2), new FragmentInfo(1, 2), [2], out _));
        Assert.Equal(ReassemblyStatus.Stored, r.Add(new FragmentSetKey(default, default, PacketClass.Core, 3), new FragmentInfo(0, 2), [1], out _));
    }

    [Fact]
    public void An_incomplete_set_times_out_and_its_memory_is_returned()
    {
        var time = new FakeTimeProvider();
        var r = new FragmentReassembler(new FragmentReassemblerOptions { Timeout = TimeSpan.FromMilliseconds(500) }, time);
        var key = new FragmentSetKey(new SessionId(1), new NodeId(2), PacketClass.Perceptual, 10);
        Assert.Equal(ReassemblyStatus.Stored, r.Add(key, new FragmentInfo(0, 3), [1], out _));
        time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(0, r.ExpireStale());
        Assert.Equal(ReassemblyStatus.Stored, r.Add(key, new FragmentInfo(1, 3), [2], out _));
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, r.ExpireStale());
        Assert.Equal(0, r.BufferedBytes);
        Assert.Equal(1, r.ExpiredSets);

        // The late last fragment starts a new set instead of completing a stale one.
        Assert.Equal(ReassemblyStatus.Stored, r.Add(key, new FragmentInfo(2, 3), [3], out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ReassemblyStatus.Stored, r.Add(key, new FragmentInfo(0, 3), [1], out _));
        Assert.Equal(2, r.ExpiredSets);
    }

    [Fact]
    public void Hostile_fragment_streams_never_grow_memory_past_the_budget()
    {
        var time = new FakeTimeProvider();
        var options = new FragmentReassemblerOptions { MemoryBudgetBytes = 20 * FragmentReassembler.SlotSize, MaxConcurrentSets = 6, MaxFragmentsPerSet = 8 };
        var r = new FragmentReassembler(options, time);
        var random = new Random(6);
        var chunk = new byte[FragmentReassembler.SlotSize + 2];
        var outcomes = new long[5];
        for (var i = 0; i < 200_000; i++)
        {
            var key = new FragmentSetKey(default, new NodeId((ulong)random.Next(4)), PacketClass.Core, (uint)random.Next(16));
            var info = new FragmentInfo((ushort)random.Next(10), (ushort)random.Next(10));
            var status = r.Add(key, info, chunk.AsSpan(0, random.Next(chunk.Length)), out var payload);
            Assert.True(payload.Length <= options.MaxFragmentsPerSet * FragmentReassembler.SlotSize);
            Assert.True(r.BufferedBytes <= r.CapacityBytes);
            Assert.True(r.SetsInProgress <= options.MaxConcurrentSets);
            outcomes[(int)status]++;
            if ((i & 1023) == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(300));
            }
        }

        Assert.Equal(outcomes[(int)ReassemblyStatus.Complete], r.Completed);
        Assert.Equal(outcomes[(int)ReassemblyStatus.Duplicate], r.Duplicates);
        Assert.Equal(outcomes[(int)ReassemblyStatus.Invalid], r.Invalid);
        Assert.Equal(outcomes[(int)ReassemblyStatus.OverBudget], r.DroppedOverBudget);
        Assert.True(outcomes[(int)ReassemblyStatus.Complete] > 0);
        Assert.True(outcomes[(int)ReassemblyStatus.OverBudget] > 0);
        Assert.True(r.ExpiredSets > 0);
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FragmentReassembler(new FragmentReassemblerOptions { MemoryBudgetBytes = 100 }, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FragmentReassembler(new FragmentReassemblerOptions { MaxFragmentsPerSet = 1 }, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FragmentReassembler(new FragmentReassemblerOptions { Timeout = TimeSpan.Zero }, TimeProvider.System));
    }
}
