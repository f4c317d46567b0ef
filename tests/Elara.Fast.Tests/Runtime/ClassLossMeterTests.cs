using CsCheck;
using Elara.Fast.Runtime;

namespace Elara.Fast.Tests.Runtime;

/// <summary>Loss from the wire numbering: epochs that advance on the clock are not loss; gaps are.</summary>
public sealed class ClassLossMeterTests
{
    [Fact]
    public void A_quiet_link_whose_epoch_advances_on_the_clock_shows_no_loss()
    {
        // Three keepalives, then the sender's epoch clock moves on: the 32-bit counter jumps by 65 533.
        var meter = default(ClassLossMeter);
        meter.Observe(0, 0);
        meter.Observe(0, 1);
        meter.Observe(0, 2);
        meter.Observe(1, 0);
        meter.Observe(1, 1);
        Assert.Equal((5L, 5L), meter.Interval);
    }

    [Fact]
    public void Gaps_in_the_sequence_are_counted_as_loss_and_late_frames_are_not_counted_twice()
    {
        var meter = default(ClassLossMeter);
        meter.Observe(3, 10);
        meter.Observe(3, 12); // 11 lost
        meter.Observe(3, 15); // 13, 14 lost
        meter.Observe(4, 1);  // 0 of the new epoch lost
        Assert.Equal((8L, 4L), meter.Interval);
        meter.Observe(3, 14); // late after all: counted as received, not as numbered again
        meter.Observe(4, 0);
        Assert.Equal((8L, 6L), meter.Interval);
        meter.Observe(4, 0); // a duplicate cannot push received past what was numbered
        meter.Observe(4, 0);
        meter.Observe(4, 0);
        Assert.Equal((8L, 8L), meter.Interval);
    }

    [Fact]
    public void A_new_interval_keeps_the_position_and_a_reset_rebaselines_after_a_rekey()
    {
        var meter = default(ClassLossMeter);
        meter.Observe(7, 100);
        meter.NextInterval();
        meter.Observe(7, 110); // 101 … 109 lost in this interval
        Assert.Equal((10L, 1L), meter.Interval);

        meter.Reset();
        meter.Observe(0, 0); // new keys: numbering restarts, which is no loss
        meter.Observe(0, 1);
        Assert.Equal((2L, 2L), meter.Interval);

        // Without a reset, a numbering far from the last one is another generation too.
        meter.NextInterval();
        meter.Observe(900, 5);
        Assert.Equal((1L, 1L), meter.Interval);
    }

    [Fact]
    public void In_order_delivery_of_any_numbering_shows_no_loss_and_dropped_frames_show_unless_unknowable()
    {
        // The sender numbers n frames; after each it may advance the epoch (the clock) and at 65 536 it must.
        var plan = Gen.Select(Gen.Int[1, 3_000], Gen.Int[0, 60], Gen.Int[0, 50], Gen.Int[0, int.MaxValue]);
        plan.Sample((count, clockPercent, dropPercent, seed) =>
        {
            var random = new Random(seed);
            var all = default(ClassLossMeter);
            var some = default(ClassLossMeter);
            int epoch = 0, sequence = 0, lastKeptEpoch = 0;
            long kept = 0, numbered = 0, unseen = 0, lostRun = 0, lostInEpoch = 0;
            for (var i = 0; i < count; i++)
            {
                all.Observe((ushort)epoch, (ushort)sequence);
                numbered++;
                if (i == 0 || random.Next(100) >= dropPercent)
                {
                    some.Observe((ushort)epoch, (ushort)sequence);
                    kept++;

                    // Losses since the last kept frame show when they are in this epoch and it is near the last
                    // one (farther, the meter re-baselines); those in epochs in between (tails) cannot be known.
                    var visible = epoch - lastKeptEpoch <= 4 ? lostInEpoch : 0;
                    unseen += lostRun - visible;
                    lostRun = 0;
                    lostInEpoch = 0;
                    lastKeptEpoch = epoch;
                }
                else
                {
                    lostRun++;
                    lostInEpoch++;
                }

                sequence++;
                if (sequence > ushort.MaxValue || random.Next(100) < clockPercent)
                {
                    epoch++;
                    sequence = 0;
                    lostInEpoch = 0;
                }
            }

            unseen += lostRun;
            Assert.Equal((count, (long)count), all.Interval);
            var (expected, received) = some.Interval;
            Assert.Equal(kept, received);
            Assert.Equal(numbered - unseen, expected);
        });
    }
}
