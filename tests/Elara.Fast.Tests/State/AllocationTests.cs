using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.State;

/// <summary>The steady-state apply paths allocate nothing (PERFORMANCE.md: asserted by test as well as by benchmark).</summary>
public sealed class AllocationTests
{
    private static readonly StateId Register = new(1);
    private static readonly StateId Counter = new(2);
    private static readonly StateId Log = new(3);

    [Fact]
    public void Local_and_remote_updates_allocate_nothing_once_warm()
    {
        var limits = new StateLimits { MaxBytes = long.MaxValue };
        var a = new StateField(new NodeId(1), limits);
        var b = new StateField(new NodeId(2), limits);
        var frame = new byte[FrameLayout.MaxPayload];
        var value = new byte[16];

        // Counted, not asserted, inside the loop: an assertion may allocate on its own.
        var failures = 0;
        void Round(int i)
        {
            var writer = new EventBlockWriter(frame);
            failures += a.Set(Register, i, value, ref writer) == StateStatus.Applied ? 0 : 1;
            failures += a.Increment(Counter, 1, ref writer) == StateStatus.Applied ? 0 : 1;
            if (i % 16 == 0 && a.TryGetAtom(Log, out var log))
            {
                // The log is bounded by a frame; empty it behind the field's back to keep appending (the byte
                // total drifts, hence the unbounded MaxBytes here).
                log.Value.Clear();
                b.TryGetAtom(Log, out var other);
                other.Value.Clear();
            }

            failures += a.Append(Log, i, new MessageId((ulong)i), value, ref writer) == StateStatus.Applied ? 0 : 1;
            var reader = new EventBlockReader(writer.Written);
            while (reader.MoveNext())
            {
                failures += b.Apply(reader.Current) == StateStatus.Applied ? 0 : 1;
            }
        }

        var setup = new EventBlockWriter(frame);
        a.Create(Register, CrdtKind.LwwRegister, ref setup);
        a.Create(Counter, CrdtKind.PnCounter, ref setup);
        a.Create(Log, CrdtKind.AppendLog, ref setup);
        Replica.DeliverTo(b, setup.Written);
        for (var i = 1; i <= 2_000; i++)
        {
            Round(i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 2_001; i <= 12_000; i++)
        {
            Round(i);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(0, failures);
    }
}
