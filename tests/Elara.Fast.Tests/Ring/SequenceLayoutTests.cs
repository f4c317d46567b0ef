using System.Reflection;
using System.Runtime.CompilerServices;
using Elara.Fast.Ring;

namespace Elara.Fast.Tests.Ring;

public sealed class SequenceLayoutTests
{
    [Fact]
    public void A_padded_long_has_a_full_cache_line_before_and_after_its_value()
    {
        var cell = default(PaddedLong);
        var offset = (long)Unsafe.ByteOffset(ref Unsafe.As<PaddedLong, byte>(ref cell), ref Unsafe.As<long, byte>(ref cell.Value));
        var size = Unsafe.SizeOf<PaddedLong>();

        Assert.Equal(64L, offset);
        Assert.Equal(64L + 8 + 64, size);
        Assert.True(size - offset - sizeof(long) >= 64, "less than a cache line after the value");
    }

    [Fact]
    public void A_sequence_holds_nothing_but_its_padded_cell()
    {
        var fields = typeof(Sequence).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

        var only = Assert.Single(fields);
        Assert.Equal(typeof(PaddedLong), only.FieldType);
    }

    [Fact]
    public void The_value_of_a_sequence_lives_in_the_padded_cell_at_its_offset()
    {
        var sequence = new Sequence(42);
        ref var cell = ref sequence.Cell;
        var offset = (long)Unsafe.ByteOffset(ref Unsafe.As<PaddedLong, byte>(ref cell), ref Unsafe.As<long, byte>(ref cell.Value));

        Assert.Equal(64L, offset);
        Assert.Equal(42L, cell.Value);
        sequence.SetValue(7);
        Assert.Equal(7L, cell.Value);
    }

    [Fact]
    public void Sequence_operations_do_what_they_say()
    {
        var sequence = new Sequence();
        Assert.Equal(Sequence.InitialValue, sequence.Value);
        Assert.True(sequence.CompareAndSet(-1, 10));
        Assert.False(sequence.CompareAndSet(-1, 11));
        Assert.Equal(15L, sequence.AddAndGet(5));
        Assert.Equal(16L, sequence.IncrementAndGet());
        sequence.SetValueVolatile(3);
        Assert.Equal(3L, sequence.Value);
        Assert.Equal(2L, Sequence.GetMinimum([new Sequence(5), new Sequence(2), new Sequence(9)]));
        Assert.Equal(1L, Sequence.GetMinimum([new Sequence(5)], 1));
        Assert.Equal(long.MaxValue, Sequence.GetMinimum([]));
    }
}
