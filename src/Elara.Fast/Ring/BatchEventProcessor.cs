using System.Runtime.CompilerServices;

namespace Elara.Fast.Ring;

/// <summary>
/// A consumer thread: waits on its barrier, hands every available entry to a struct handler in one batch, then
/// advances its <see cref="Sequence"/>. Generic over the handler type so the per-event call is direct and inlinable.
/// </summary>
/// <remarks>
/// <para>A worker (<c>workerCount &gt; 1</c>) handles only the sequences with <c>seq % workerCount == workerIndex</c>
/// and steps over the rest; K workers of one stage together handle every event once (how the Open stage spreads
/// AEAD over cores). Its sequence still advances over the whole batch, so a downstream stage that depends on all K
/// workers sees an event only after its owner handled it.</para>
/// <para>A handler exception goes to the <see cref="IExceptionHandler{T}"/> and the processor moves on to the next
/// event; if the exception handler throws, the processor stops and reports it in <see cref="Fault"/>.</para>
/// </remarks>
/// <typeparam name="T">The ring entry type.</typeparam>
/// <typeparam name="THandler">The handler: a struct, called directly.</typeparam>
public sealed class BatchEventProcessor<T, THandler> : IEventProcessor
    where T : struct
    where THandler : struct, IEventHandler<T>
{
    private readonly RingBuffer<T> _ring;
    private readonly SequenceBarrier _barrier;
    private readonly Sequence _sequence = new();
    private readonly IExceptionHandler<T> _exceptionHandler;
    private readonly IWaitStrategy _waitStrategy;
    private readonly bool _signalsWaiters;
    private readonly int _workerCount;
    private readonly int _workerIndex;

    // The one copy of the handler, boxed once at construction. OnEvent is called through a ref into the box (a
    // direct, inlinable call on the struct); the optional callbacks are interface calls on the same box, so every
    // callback sees the same state and nothing is boxed per call.
    private readonly object _handlerBox;
    private readonly IBatchStartHandler? _batchStart;
    private readonly ITimeoutHandler? _timeout;
    private readonly ILifecycleHandler? _lifecycle;

    // Start/Halt are serialised by this lock (control plane only).
    private readonly Lock _stateLock = new();
    private Thread? _thread;

    // The worker's sequence in flight, so an exception is attributed to the right event (processor thread only).
    private long _currentOwned;

    // 1 while the processor thread runs: written by Start and by the thread on exit, read by monitors (Volatile both).
    private int _running;

    // Set once by the processor thread when an exception handler throws; Volatile so a monitor sees the exception object fully built.
    private Exception? _fault;

    /// <summary>Creates a processor for <paramref name="ring"/> running <paramref name="handler"/>.</summary>
    /// <param name="ring">The ring to consume.</param>
    /// <param name="handler">The handler (copied once; read it back through <see cref="Handler"/>).</param>
    /// <param name="dependencies">Upstream processors' sequences this one must not pass; empty: the producer's cursor.</param>
    /// <param name="exceptionHandler">Where handler exceptions go; <see langword="null"/>: a new <see cref="LoggingExceptionHandler{T}"/> without a logger.</param>
    /// <remarks>The processor starts at the ring's current cursor: create consumers before producing.</remarks>
    public BatchEventProcessor(RingBuffer<T> ring, THandler handler, Sequence[]? dependencies = null, IExceptionHandler<T>? exceptionHandler = null)
        : this(ring, handler, dependencies, exceptionHandler, workerCount: 1, workerIndex: 0)
    {
    }

    /// <summary>Creates worker <paramref name="workerIndex"/> of <paramref name="workerCount"/> on one stage.</summary>
    /// <param name="ring">The ring to consume.</param>
    /// <param name="handler">The handler (copied once; read it back through <see cref="Handler"/>).</param>
    /// <param name="dependencies">Upstream processors' sequences; empty: the producer's cursor.</param>
    /// <param name="exceptionHandler">Where handler exceptions go; <see langword="null"/>: count only.</param>
    /// <param name="workerCount">Workers on the stage (K ≥ 1).</param>
    /// <param name="workerIndex">This worker's index i (0 ≤ i &lt; K): it handles <c>seq % K == i</c>.</param>
    public BatchEventProcessor(RingBuffer<T> ring, THandler handler, Sequence[]? dependencies, IExceptionHandler<T>? exceptionHandler, int workerCount, int workerIndex)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workerCount);
        ArgumentOutOfRangeException.ThrowIfNegative(workerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(workerIndex, workerCount);
        _ring = ring;
        _barrier = ring.NewBarrier(dependencies ?? []);
        _exceptionHandler = exceptionHandler ?? new LoggingExceptionHandler<T>();
        _waitStrategy = ring.Sequencer.WaitStrategy;
        _signalsWaiters = ring.Sequencer.SignalsWaiters;
        _workerCount = workerCount;
        _workerIndex = workerIndex;
        _handlerBox = handler;
        _batchStart = _handlerBox as IBatchStartHandler;
        _timeout = _handlerBox as ITimeoutHandler;
        _lifecycle = _handlerBox as ILifecycleHandler;
        _sequence.SetValue(ring.Cursor);
    }

    /// <summary>The handler's single copy, in place. Read its state after <see cref="Halt"/> (or with your own synchronisation).</summary>
    public ref THandler Handler => ref Unsafe.Unbox<THandler>(_handlerBox);

    /// <inheritdoc />
    public Sequence Sequence => _sequence;

    /// <summary>The barrier this processor waits on (its own).</summary>
    public SequenceBarrier Barrier => _barrier;

    /// <inheritdoc />
    public bool IsRunning => Volatile.Read(ref _running) != 0;

    /// <inheritdoc />
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>How far this processor trails the producer: cursor minus its sequence.</summary>
    public long Lag => _ring.Cursor - _sequence.Value;

    /// <inheritdoc />
    public void Start(string? threadName = null)
    {
        lock (_stateLock)
        {
            if (_thread is { IsAlive: true })
            {
                Primitives.ThrowHelper.ThrowInvalidOperation("The processor is already running; halt it before starting it again.");
            }

            _barrier.ClearAlert();
            Volatile.Write(ref _fault, null);
            Volatile.Write(ref _running, 1);
            _thread = new Thread(Run) { IsBackground = true, Name = threadName ?? "elara-ring-processor" };
            _thread.Start();
        }
    }

    /// <inheritdoc />
    public void Halt()
    {
        Thread? thread;
        lock (_stateLock)
        {
            thread = _thread;
            if (thread is null)
            {
                return;
            }

            _barrier.Alert();
        }

        // Called from the handler itself: the loop stops after this batch; joining our own thread would deadlock.
        if (thread != Thread.CurrentThread)
        {
            thread.Join();
        }

        lock (_stateLock)
        {
            if (_thread == thread)
            {
                _thread = null;
            }
        }
    }

    private void Run()
    {
        try
        {
            if (_lifecycle is { } started)
            {
                Invoke(static (handler, _) => handler.OnStart(), started, 0, nameof(ILifecycleHandler.OnStart));
            }

            ProcessEvents();

            if (_lifecycle is { } stopping)
            {
                Invoke(static (handler, _) => handler.OnShutdown(), stopping, 0, nameof(ILifecycleHandler.OnShutdown));
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private void ProcessEvents()
    {
        ref var handler = ref Unsafe.Unbox<THandler>(_handlerBox);
        var ring = _ring;
        var barrier = _barrier;
        var sequence = _sequence;
        var next = sequence.Value + 1;
        while (true)
        {
            try
            {
                while (!barrier.IsAlerted)
                {
                    var available = barrier.WaitFor(next);
                    if (available < next)
                    {
                        // Less than asked: an alert (the loop condition ends it) or the strategy's timeout.
                        if (_timeout is { } timeout && !barrier.IsAlerted)
                        {
                            Invoke(static (h, s) => h.OnTimeout(s), timeout, next - 1, nameof(ITimeoutHandler.OnTimeout));
                        }

                        continue;
                    }

                    if (_workerCount == 1)
                    {
                        if (_batchStart is { } batchStart)
                        {
                            Invoke(static (h, n) => h.OnBatchStart(n), batchStart, available - next + 1, nameof(IBatchStartHandler.OnBatchStart));
                        }

                        // Base and mask in locals: the JIT cannot hoist the ring's fields past the handler's heap stores.
                        ref var entries = ref ring.FirstEntry;
                        var mask = ring.IndexMask;
                        for (; next <= available; next++)
                        {
                            handler.OnEvent(ref Unsafe.Add(ref entries, (nint)(next & mask)), next, next == available);
                        }
                    }
                    else
                    {
                        next = ProcessOwned(ref handler, next, available);
                    }

                    // Release: every slot up to `available` is finished before downstream stages or the producer see it.
                    sequence.SetValue(available);
                    if (_signalsWaiters)
                    {
                        _waitStrategy.Signal();
                    }
                }

                return;
            }
            catch (Exception exception)
            {
                var failed = _workerCount == 1 ? next : _currentOwned;
                if (!ReportEventException(exception, failed))
                {
                    return;
                }

                // Skip the failed event: it was reported, and retrying it would most likely throw again.
                sequence.SetValue(failed);
                if (_signalsWaiters)
                {
                    _waitStrategy.Signal();
                }

                next = failed + 1;
            }
        }
    }

    /// <summary>A worker's share of <paramref name="next"/>..<paramref name="available"/>; returns the next sequence to look at.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long ProcessOwned(ref THandler handler, long next, long available)
    {
        var k = _workerCount;
        var owned = next + ((_workerIndex - (int)(next % k) + k) % k);
        if (owned <= available)
        {
            if (_batchStart is { } batchStart)
            {
                Invoke(static (h, n) => h.OnBatchStart(n), batchStart, ((available - owned) / k) + 1, nameof(IBatchStartHandler.OnBatchStart));
            }

            for (; owned <= available; owned += k)
            {
                _currentOwned = owned;
                handler.OnEvent(ref _ring[owned], owned, owned + k > available);
            }
        }

        return available + 1;
    }

    private bool ReportEventException(Exception exception, long failed)
    {
        try
        {
            _exceptionHandler.HandleEventException(exception, failed, ref _ring[failed]);
            return true;
        }
        catch (Exception inner)
        {
            // The exception handler itself failed: stop, loudly (Fault), rather than loop on a broken handler.
            Volatile.Write(ref _fault, inner);
            return false;
        }
    }

    private void Invoke<TCallback>(Action<TCallback, long> callback, TCallback target, long argument, string name)
    {
        try
        {
            callback(target, argument);
        }
        catch (Exception exception)
        {
            try
            {
                _exceptionHandler.HandleCallbackException(exception, name);
            }
            catch (Exception inner)
            {
                Volatile.Write(ref _fault, inner);
                _barrier.Alert();
            }
        }
    }
}
