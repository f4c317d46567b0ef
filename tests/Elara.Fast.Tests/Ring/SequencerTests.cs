using Elara.Fast.Ring;

namespace Elara.Fast.Tests.Ring;

public sealed class SequencerTests
{
    public static TheoryData<ProducerType> Producers() => new(ProducerType.Single, ProducerType.Multi);

    [Theory]
    [MemberData(nameof(Producers))]
    public void TryNext_fails_when_the_slowest_consumer_is_a_full_ring_behind_and_succeeds_when_it_advances(ProducerType producerType)
    {
        var ring = new RingBuffer<long>(8, producerType);
        var slow = new Sequence();
        var fast = new Sequence();
        ring.AddGatingSequences(slow, fast);

        Assert.True(ring.TryNext(8, out var hi));
        Assert.Equal(7L, hi);
        ring.Publish(0, 7);
        fast.SetValue(7);

        Assert.False(ring.TryNext(out _));
        Assert.False(ring.TryNext(1, out _));
        Assert.Equal(0L, ring.RemainingCapacity);
        Assert.Equal(7L, ring.Cursor); // a failed TryNext claims nothing

        slow.SetValue(1); // the slowest consumer finished 0 and 1: two slots free
        Assert.False(ring.TryNext(3, out _));
        Assert.True(ring.TryNext(2, out hi));
        Assert.Equal(9L, hi);
        ring.Publish(8, 9);
        Assert.False(ring.TryNext(out _));
    }

    [Theory]
    [MemberData(nameof(Producers))]
    public void Next_blocks_while_the_ring_is_full_and_resumes_when_the_consumer_advances(ProducerType producerType)
    {
        var ring = new RingBuffer<long>(4, producerType);
        var consumer = new Sequence();
        ring.AddGatingSequences(consumer);
        ring.Publish(0, ring.Next(4));

        using var claimed = new ManualResetEventSlim();
        long result = -1;
        var producer = new Thread(() =>
        {
            result = ring.Next();
            claimed.Set();
        }) { IsBackground = true };
        producer.Start();

        // Bounded negative check: the producer is still held back well after it started.
        Assert.False(claimed.Wait(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken));

        consumer.SetValue(0);
        Assert.True(claimed.Wait(RingTestKit.Patience, TestContext.Current.CancellationToken));
        Assert.Equal(4L, result);
    }

    [Fact]
    public void Multi_producer_consumers_never_see_a_claimed_but_unpublished_slot()
    {
        var sequencer = new MultiProducerSequencer(8);
        var barrier = sequencer.NewBarrier();
        var first = sequencer.Next();  // 0
        var second = sequencer.Next(); // 1
        var third = sequencer.Next();  // 2

        sequencer.Publish(second);
        sequencer.Publish(third);
        Assert.Equal(2L, sequencer.Cursor);
        Assert.Equal(-1L, barrier.GetAvailable(0)); // 0 is claimed, not published: nothing is readable
        Assert.False(sequencer.IsAvailable(first));
        Assert.True(sequencer.IsAvailable(second));

        sequencer.Publish(first);
        Assert.Equal(2L, barrier.GetAvailable(0));
        Assert.Equal(2L, barrier.WaitFor(0));
    }

    [Fact]
    public void Multi_producer_availability_is_per_lap_so_an_old_lap_does_not_count()
    {
        var sequencer = new MultiProducerSequencer(4);
        for (var s = 0L; s < 4; s++)
        {
            sequencer.Publish(sequencer.Next());
        }

        Assert.True(sequencer.IsAvailable(3));
        Assert.False(sequencer.IsAvailable(7)); // same slot, next lap, not yet published
        var next = sequencer.Next();
        Assert.Equal(4L, next);
        Assert.Equal(3L, sequencer.GetHighestPublishedSequence(4, 4));
        sequencer.Publish(next);
        Assert.Equal(4L, sequencer.GetHighestPublishedSequence(4, 4));
        Assert.False(sequencer.IsAvailable(0)); // overwritten by lap 1
    }

    [Fact]
    public void Single_producer_availability_covers_exactly_the_last_lap()
    {
        var sequencer = new SingleProducerSequencer(4);
        sequencer.Publish(sequencer.Next(4));
        sequencer.Publish(sequencer.Next(2));
        Assert.True(sequencer.IsAvailable(5));
        Assert.True(sequencer.IsAvailable(2));
        Assert.False(sequencer.IsAvailable(1));
        Assert.False(sequencer.IsAvailable(6));
    }

    [Theory]
    [MemberData(nameof(Producers))]
    public void Sequences_wrap_around_a_tiny_ring_twenty_five_thousand_times_without_loss_or_overwrite(ProducerType producerType)
    {
        const int events = 100_000;
        var ring = new RingBuffer<Slot>(4, producerType, new YieldingWaitStrategy());
        var check = new StageCheck();
        using var graph = ring.HandleEventsWith(new CheckingHandler(check, 0, 0)).Start();

        RingTestKit.Produce(ring, events);

        Assert.True(graph.Drain(RingTestKit.Patience));
        graph.Halt();
        Assert.True(check.Errors == 0, check.FirstError);
        Assert.Equal((long)events, check.Count);
        Assert.Equal(events - 1L, ring.Cursor);
        Assert.True(events / ring.Size >= 25_000);
    }

    [Fact]
    public void Gating_sequences_are_added_at_the_cursor_and_can_be_removed()
    {
        var ring = new RingBuffer<long>(8);
        ring.Publish(ring.Next(5));
        var late = new Sequence();
        ring.AddGatingSequences(late);
        Assert.Equal(4L, late.Value); // a late consumer starts at the cursor, it does not hold the producer back
        Assert.Equal(8L, ring.RemainingCapacity);
        Assert.True(ring.RemoveGatingSequence(late));
        Assert.False(ring.RemoveGatingSequence(late));
    }

    [Fact]
    public void An_alert_ends_a_wait_and_reports_less_than_asked()
    {
        foreach (var strategy in new IWaitStrategy[] { new BusySpinWaitStrategy(), new YieldingWaitStrategy(), new SleepingWaitStrategy(), new BlockingWaitStrategy(), new BackoffWaitStrategy(), new TimeoutBlockingWaitStrategy(TimeSpan.FromSeconds(30)) })
        {
            var ring = new RingBuffer<long>(8, ProducerType.Single, strategy);
            var barrier = ring.NewBarrier();
            long result = 0;
            var waiter = new Thread(() => result = barrier.WaitFor(0)) { IsBackground = true };
            waiter.Start();
            barrier.Alert();
            Assert.True(waiter.Join(RingTestKit.Patience), strategy.GetType().Name);
            Assert.Equal(-1L, result);
            Assert.True(barrier.IsAlerted);
            barrier.ClearAlert();
            Assert.False(barrier.IsAlerted);
        }
    }

    [Fact]
    public void A_timeout_strategy_returns_less_than_asked_after_its_timeout()
    {
        var ring = new RingBuffer<long>(8, ProducerType.Single, new TimeoutBlockingWaitStrategy(TimeSpan.FromMilliseconds(5)));
        var barrier = ring.NewBarrier();
        Assert.Equal(-1L, barrier.WaitFor(0));
        Assert.False(barrier.IsAlerted);
    }

    [Theory]
    [InlineData("Blocking")]
    [InlineData("Backoff")]
    [InlineData("TimeoutBlocking")]
    public void A_parked_consumer_is_woken_by_a_publish(string strategy)
    {
        // Park timeouts of minutes: only the publish's signal can end this wait within the test's patience.
        var minutes = TimeSpan.FromMinutes(5);
        IWaitStrategy waitStrategy = strategy switch
        {
            "Blocking" => new BlockingWaitStrategy(),
            "Backoff" => new BackoffWaitStrategy(spinTries: 0, yieldTries: 0, minPark: minutes, maxPark: minutes),
            _ => new TimeoutBlockingWaitStrategy(minutes),
        };
        Func<int> parked = waitStrategy switch
        {
            BlockingWaitStrategy blocking => () => blocking.ParkedCount,
            BackoffWaitStrategy backoff => () => backoff.ParkedCount,
            TimeoutBlockingWaitStrategy timeout => () => timeout.ParkedCount,
            _ => throw new InvalidOperationException(),
        };
        var ring = new RingBuffer<long>(8, ProducerType.Single, waitStrategy);
        var barrier = ring.NewBarrier();
        long result = 0;
        var waiter = new Thread(() => result = barrier.WaitFor(0)) { IsBackground = true };
        waiter.Start();
        Assert.True(SpinWait.SpinUntil(() => parked() == 1, RingTestKit.Patience), "the consumer never parked");

        ring.Publish(ring.Next());

        Assert.True(waiter.Join(RingTestKit.Patience));
        Assert.Equal(0L, result);
    }
}
