using Elara.Fast.Ring;

namespace Elara.Fast.Tests.Ring;

public sealed unsafe class RingBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    [InlineData(3)]
    [InlineData(1000)]
    [InlineData(1025)]
    [InlineData(int.MaxValue)]
    public void A_size_that_is_not_a_power_of_two_is_refused_with_a_clear_message(int size)
    {
        var single = Assert.Throws<ArgumentException>(() => new RingBuffer<long>(size));
        var multi = Assert.Throws<ArgumentException>(() => RingBuffer<long>.CreateMultiProducer(size));
        var slab = Assert.Throws<ArgumentException>(() => new ByteSlab(size, 64));

        foreach (var error in new[] { single, multi, slab })
        {
            Assert.Contains("power of two", error.Message, StringComparison.Ordinal);
            Assert.Contains(size.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1024)]
    public void A_power_of_two_size_is_accepted(int size)
    {
        Assert.Equal(size, new RingBuffer<long>(size).Size);
        Assert.Equal(size, new ByteSlab(size, 16).SlotCount);
    }

    [Fact]
    public void Entries_are_addressed_by_sequence_modulo_the_size_in_place()
    {
        var ring = new RingBuffer<long>(8);
        ring[3] = 33;
        Assert.Equal(33L, ring[3 + 8]);
        Assert.Equal(33L, ring[3 + (8 * 1_000_000_000L)]);
        ref var slot = ref ring[11];
        slot = 44;
        Assert.Equal(44L, ring[3]);
        for (var s = 0L; s < 8; s++)
        {
            ring[s] = s * 10;
        }

        for (var s = 0L; s < 8; s++)
        {
            Assert.Equal(s * 10, ring[s + 800]);
        }
    }

    [Fact]
    public void A_claim_larger_than_the_ring_or_below_one_is_refused()
    {
        var ring = new RingBuffer<long>(8);
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.Next(9));
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.Next(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.TryNext(9, out _));
        var multi = RingBuffer<long>.CreateMultiProducer(8);
        Assert.Throws<ArgumentOutOfRangeException>(() => multi.Next(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => multi.TryNext(0, out _));
    }

    [Fact]
    public void Slab_slots_are_disjoint_fixed_size_views_of_one_pinned_array()
    {
        var slab = new ByteSlab(4, 100);
        Assert.Equal(100, slab.SlotSize);
        Assert.Equal(400, slab.AsSpan().Length);
        for (var s = 0L; s < 4; s++)
        {
            slab.GetSlot(s).Fill((byte)(s + 1));
        }

        var whole = slab.AsSpan();
        for (var i = 0; i < 400; i++)
        {
            Assert.Equal((byte)((i / 100) + 1), whole[i]);
        }

        Assert.Equal(100, slab.GetSlot(5).Length);
        Assert.Equal((byte)2, slab.GetSlot(5)[0]); // sequence 5 wraps onto slot 1
        Assert.Equal(100, slab.GetSlotOffset(5));
        Assert.True(slab.GetSlotMemory(6).Span.SequenceEqual(slab.GetSlot(2)));
    }

    [Fact]
    public void Slab_pointers_address_the_same_bytes_as_the_spans_and_stay_put_across_a_collection()
    {
        var slab = new ByteSlab(8, 64);
        var before = (nint)slab.GetSlotPointer(3);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var after = (nint)slab.GetSlotPointer(3);
        Assert.Equal(before, after);

        slab.GetSlotPointer(11)[5] = 0xAB; // sequence 11 is slot 3
        Assert.Equal((byte)0xAB, slab.GetSlot(3)[5]);
        fixed (byte* spanBase = slab.GetSlot(3))
        {
            Assert.Equal(after, (nint)spanBase);
        }

        Assert.Equal(64, (nint)slab.GetSlotPointer(4) - (nint)slab.GetSlotPointer(3));
    }

    [Fact]
    public void Slab_sizes_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ByteSlab(4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ByteSlab(1 << 20, 1 << 12));
    }
}
