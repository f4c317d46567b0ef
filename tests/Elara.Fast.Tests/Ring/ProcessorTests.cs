using Elara.Fast.Ring;
using Microsoft.Extensions.Logging;

namespace Elara.Fast.Tests.Ring;

public sealed class ProcessorTests
{
    private sealed class Probe
    {
        public long Handled;
        public long Timeouts;
        public string? StartedOn;
        public string? StoppedOn;
        public readonly ManualResetEventSlim Gate = new(initialState: true);
        public readonly ManualResetEventSlim Entered = new();
        public readonly ManualResetEventSlim TimedOut = new();
        public readonly List<long> BatchSizes = [];
    }

    private struct ProbeHandler(Probe probe, int throwEvery = 0, int spin = 0) : IEventHandler<long>, ITimeoutHandler, ILifecycleHandler, IBatchStartHandler
    {
        public readonly void OnEvent(ref long entry, long sequence, bool endOfBatch)
        {
            probe.Entered.Set();
            probe.Gate.Wait();
            if (spin > 0)
            {
                Thread.SpinWait(spin);
            }

            if (throwEvery > 0 && sequence % throwEvery == 3)
            {
                throw new InvalidOperationException($"boom at {sequence}");
            }

            probe.Handled++;
        }

        public readonly void OnTimeout(long sequence)
        {
            probe.Timeouts++;
            probe.TimedOut.Set();
        }

        public readonly void OnStart() => probe.StartedOn = Thread.CurrentThread.Name;

        public readonly void OnShutdown() => probe.StoppedOn = Thread.CurrentThread.Name;

        public readonly void OnBatchStart(long batchSize) => probe.BatchSizes.Add(batchSize);
    }

    private sealed class CountingLogger : ILogger
    {
        public int Errors;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Error && exception is not null)
            {
                Interlocked.Increment(ref Errors);
            }
        }
    }

    private sealed class RecordingExceptionHandler(bool rethrow) : IExceptionHandler<long>
    {
        public readonly List<long> Sequences = [];

        public void HandleEventException(Exception exception, long sequence, ref long entry)
        {
            Sequences.Add(sequence);
            if (rethrow)
            {
                throw new InvalidOperationException("the exception handler gave up", exception);
            }
        }

        public void HandleCallbackException(Exception exception, string callback) => throw new InvalidOperationException(callback, exception);
    }

    private static void Publish(RingBuffer<long> ring, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var s = ring.Next();
            ring[s] = s;
            ring.Publish(s);
        }
    }

    [Fact]
    public void A_throwing_handler_is_logged_counted_and_the_processor_goes_on()
    {
        var ring = new RingBuffer<long>(16, ProducerType.Single, new YieldingWaitStrategy());
        var logger = new CountingLogger();
        var exceptions = new LoggingExceptionHandler<long>(logger);
        var probe = new Probe();
        using var graph = ring.CreateGraph(exceptions).HandleEventsWith(new ProbeHandler(probe, throwEvery: 10)).Start();

        Publish(ring, 100);

        Assert.True(graph.Drain(RingTestKit.Patience));
        Assert.True(graph.IsRunning);
        graph.Halt();
        Assert.Equal(10L, exceptions.EventExceptionCount);
        Assert.Equal(10, logger.Errors);
        Assert.Equal(90L, probe.Handled);
        Assert.IsType<InvalidOperationException>(exceptions.LastException);
        Assert.Null(graph.Fault);
    }

    [Fact]
    public void A_worker_exception_is_reported_against_the_worker_s_own_sequence()
    {
        var ring = new RingBuffer<long>(16, ProducerType.Single, new YieldingWaitStrategy());
        var exceptions = new RecordingExceptionHandler(rethrow: false);
        var probes = new[] { new Probe(), new Probe() };
        using var graph = ring.CreateGraph(exceptions)
            .HandleEventsWithWorkers(new ProbeHandler(probes[0], throwEvery: 10), new ProbeHandler(probes[1], throwEvery: 10))
            .Start();

        Publish(ring, 40);

        Assert.True(graph.Drain(RingTestKit.Patience));
        graph.Halt();
        exceptions.Sequences.Sort();
        Assert.Equal([3L, 13L, 23L, 33L], exceptions.Sequences);
        Assert.Equal(36L, probes[0].Handled + probes[1].Handled);
    }

    [Fact]
    public void An_exception_handler_that_throws_stops_the_processor_loudly()
    {
        var ring = new RingBuffer<long>(16, ProducerType.Single, new YieldingWaitStrategy());
        var probe = new Probe();
        using var graph = ring.CreateGraph(new RecordingExceptionHandler(rethrow: true)).HandleEventsWith(new ProbeHandler(probe, throwEvery: 10)).Start();

        Publish(ring, 10);

        var processor = graph.GetStage(0).Processors[0];
        Assert.True(SpinWait.SpinUntil(() => !processor.IsRunning, RingTestKit.Patience));
        Assert.IsType<InvalidOperationException>(processor.Fault);
        Assert.Same(processor.Fault, graph.Fault);
        Assert.False(graph.IsRunning);
        Assert.Equal(3L, probe.Handled); // 0, 1, 2 handled; 3 threw; the processor stopped there
        Assert.False(graph.Drain(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Halt_while_busy_returns_once_the_thread_has_exited()
    {
        var ring = new RingBuffer<long>(64, ProducerType.Single, new YieldingWaitStrategy());
        var probe = new Probe();
        var graph = ring.HandleEventsWith(new ProbeHandler(probe, spin: 200)).Then(new ProbeHandler(new Probe())).Start();
        var stop = 0;
        var producer = new Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                if (ring.TryNext(out var s))
                {
                    ring.Publish(s);
                }
                else
                {
                    Thread.Yield();
                }
            }
        }) { IsBackground = true };
        producer.Start();
        Assert.True(probe.Entered.Wait(RingTestKit.Patience, TestContext.Current.CancellationToken));

        var halt = new Thread(graph.Halt) { IsBackground = true };
        halt.Start();

        Assert.True(halt.Join(RingTestKit.Patience), "Halt did not return");
        Assert.False(graph.IsRunning);
        Assert.All(graph.GetStage(0).Processors, p => Assert.False(p.IsRunning));
        var handled = probe.Handled;
        Assert.True(handled > 0);
        Volatile.Write(ref stop, 1);
        Assert.True(producer.Join(RingTestKit.Patience));
        Assert.Equal(handled, probe.Handled); // nothing is handled after Halt returned
        graph.Dispose();
    }

    [Fact]
    public void A_halted_processor_can_be_started_again_and_resumes_where_it_stopped()
    {
        var ring = new RingBuffer<long>(16, ProducerType.Single, new BackoffWaitStrategy());
        var probe = new Probe();
        var processor = new BatchEventProcessor<long, ProbeHandler>(ring, new ProbeHandler(probe));
        ring.AddGatingSequences(processor.Sequence);
        processor.Start();
        Publish(ring, 5);
        Assert.True(SpinWait.SpinUntil(() => processor.Sequence.Value == 4, RingTestKit.Patience));
        processor.Halt();
        processor.Halt(); // idempotent
        Assert.False(processor.IsRunning);

        Publish(ring, 5);
        Assert.Equal(5L, processor.Lag);
        processor.Start();
        Assert.Throws<InvalidOperationException>(() => processor.Start());
        Assert.True(SpinWait.SpinUntil(() => processor.Sequence.Value == 9, RingTestKit.Patience));
        processor.Halt();
        Assert.Equal(10L, probe.Handled);
    }

    [Fact]
    public void Lifecycle_callbacks_run_on_the_processor_thread_and_batch_start_sees_each_batch()
    {
        var ring = new RingBuffer<long>(16, ProducerType.Single, new BackoffWaitStrategy());
        var probe = new Probe();
        probe.Gate.Reset();
        using var graph = ring.HandleEventsWith(new ProbeHandler(probe)).Start();

        Publish(ring, 1);
        Assert.True(probe.Entered.Wait(RingTestKit.Patience, TestContext.Current.CancellationToken));
        Publish(ring, 7); // arrives while event 0 is held: the next batch is exactly these 7
        probe.Gate.Set();
        Assert.True(graph.Drain(RingTestKit.Patience));
        graph.Halt();

        Assert.Equal("elara-ring-s0-0", probe.StartedOn);
        Assert.Equal("elara-ring-s0-0", probe.StoppedOn);
        Assert.Equal([1L, 7L], probe.BatchSizes);
    }

    [Fact]
    public void A_timeout_strategy_gives_an_idle_processor_periodic_work()
    {
        var ring = new RingBuffer<long>(16, ProducerType.Single, new TimeoutBlockingWaitStrategy(TimeSpan.FromMilliseconds(2)));
        var probe = new Probe();
        using var graph = ring.HandleEventsWith(new ProbeHandler(probe)).Start();

        Assert.True(probe.TimedOut.Wait(RingTestKit.Patience, TestContext.Current.CancellationToken));
        Publish(ring, 3);
        Assert.True(graph.Drain(RingTestKit.Patience));
        graph.Halt();
        Assert.Equal(3L, probe.Handled);
        Assert.True(probe.Timeouts >= 1);
    }

    [Fact]
    public void A_throwing_callback_goes_to_the_exception_handler()
    {
        var ring = new RingBuffer<long>(16, ProducerType.Single, new BackoffWaitStrategy());
        var exceptions = new LoggingExceptionHandler<long>();
        using var graph = ring.CreateGraph(exceptions).HandleEventsWith(new ThrowingStart()).Start();

        Publish(ring, 3);
        Assert.True(graph.Drain(RingTestKit.Patience));
        graph.Halt();
        Assert.Equal(1L, exceptions.CallbackExceptionCount);
        Assert.Equal(0L, exceptions.EventExceptionCount);
    }

    private readonly struct ThrowingStart : IEventHandler<long>, ILifecycleHandler
    {
        public void OnEvent(ref long entry, long sequence, bool endOfBatch)
        {
        }

        public void OnStart() => throw new InvalidOperationException("start failed");

        public void OnShutdown()
        {
        }
    }

    [Fact]
    public void Each_stage_reports_its_lag_behind_the_cursor()
    {
        var ring = new RingBuffer<long>(16, ProducerType.Single, new BackoffWaitStrategy());
        var first = new Probe();
        first.Gate.Reset();
        var second = new Probe();
        using var graph = ring.HandleEventsWith(new ProbeHandler(first)).Then(new ProbeHandler(second)).Start();

        Publish(ring, 10);
        Assert.True(first.Entered.Wait(RingTestKit.Patience, TestContext.Current.CancellationToken));
        Assert.Equal(10L, graph.GetLag(0));
        Assert.Equal(10L, graph.GetLag(1));
        Span<long> lags = stackalloc long[4];
        Assert.Equal(2, graph.CopyLags(lags));
        Assert.Equal(10L, lags[1]);

        first.Gate.Set();
        Assert.True(graph.Drain(RingTestKit.Patience));
        Assert.Equal(0L, graph.GetLag(0));
        Assert.Equal(0L, graph.GetLag(1));
    }

    [Fact]
    public void A_started_graph_refuses_new_stages_and_a_second_start()
    {
        var ring = new RingBuffer<long>(16);
        var stage = ring.HandleEventsWith(new ProbeHandler(new Probe()));
        using var graph = stage.Start();
        Assert.Throws<InvalidOperationException>(() => stage.Then(new ProbeHandler(new Probe())));
        Assert.Throws<InvalidOperationException>(() => graph.Start());
        Assert.Throws<InvalidOperationException>(() => ring.CreateGraph().Start());
    }

    [Fact]
    public void The_producer_is_gated_on_the_end_stage_only()
    {
        var ring = new RingBuffer<long>(8);
        var stage = ring.HandleEventsWith(new ProbeHandler(new Probe()));
        var end = stage.Then(new ProbeHandler(new Probe()), new ProbeHandler(new Probe()));
        Assert.False(stage.IsEnd);
        Assert.True(end.IsEnd);
        var gating = ring.Sequencer.GatingSequences;
        Assert.Equal(2, gating.Length);
        Assert.Contains(end.Processors[0].Sequence, gating);
        Assert.Contains(end.Processors[1].Sequence, gating);
        stage.Graph.Dispose();
        Assert.Empty(ring.Sequencer.GatingSequences);
    }
}
