using System.Diagnostics;

namespace Elara.Fast.Ring;

/// <summary>
/// The consumers of one ring wired as a dependency graph (A → B, A → {B, C}, A → {B, C} → D), started and stopped
/// as a unit. The producer is gated on the end stages, so it never overwrites an entry any stage still reads.
/// </summary>
/// <remarks>
/// Build it before producing (<c>ring.HandleEventsWith(a).Then(b, c).Then(d).Start()</c>): stages start at the
/// ring's cursor when they are added. Stages cannot be added once the graph has started.
/// </remarks>
/// <typeparam name="T">The ring entry type.</typeparam>
public sealed class EventGraph<T> : IDisposable
    where T : struct
{
    private readonly RingBuffer<T> _ring;
    private readonly IExceptionHandler<T> _exceptionHandler;
    private readonly List<EventStage<T>> _stages = [];

    // Control-plane state (building, started, halted), guarded by this lock.
    private readonly Lock _stateLock = new();
    private bool _started;
    private bool _disposed;

    internal EventGraph(RingBuffer<T> ring, IExceptionHandler<T>? exceptionHandler)
    {
        ArgumentNullException.ThrowIfNull(ring);
        _ring = ring;
        _exceptionHandler = exceptionHandler ?? new LoggingExceptionHandler<T>();
    }

    /// <summary>The ring this graph consumes.</summary>
    public RingBuffer<T> Ring => _ring;

    /// <summary>Where every processor of this graph reports handler exceptions.</summary>
    public IExceptionHandler<T> ExceptionHandler => _exceptionHandler;

    /// <summary>Number of stages, in the order they were added.</summary>
    public int StageCount => _stages.Count;

    /// <summary>Whether every processor thread is running.</summary>
    public bool IsRunning
    {
        get
        {
            foreach (var stage in _stages)
            {
                foreach (var processor in stage.Processors)
                {
                    if (!processor.IsRunning)
                    {
                        return false;
                    }
                }
            }

            return _stages.Count != 0;
        }
    }

    /// <summary>The first processor fault (an exception handler that threw), or <see langword="null"/>.</summary>
    public Exception? Fault
    {
        get
        {
            foreach (var stage in _stages)
            {
                foreach (var processor in stage.Processors)
                {
                    if (processor.Fault is { } fault)
                    {
                        return fault;
                    }
                }
            }

            return null;
        }
    }

    /// <summary>The stage at <paramref name="index"/> (0 = first added).</summary>
    public EventStage<T> GetStage(int index) => _stages[index];

    /// <summary>How far stage <paramref name="index"/> trails the producer: cursor minus the stage's slowest sequence.</summary>
    public long GetLag(int index) => _stages[index].Lag;

    /// <summary>Writes every stage's lag into <paramref name="destination"/> (one per stage); returns how many were written.</summary>
    public int CopyLags(Span<long> destination)
    {
        var count = Math.Min(destination.Length, _stages.Count);
        for (var i = 0; i < count; i++)
        {
            destination[i] = _stages[i].Lag;
        }

        return count;
    }

    /// <summary>Adds a first-level stage: one processor running <paramref name="a"/> on the producer's cursor.</summary>
    public EventStage<T> HandleEventsWith<TA>(TA a)
        where TA : struct, IEventHandler<T> => AddStage(null, [Create(a, [])]);

    /// <summary>Adds a first-level stage of two parallel processors.</summary>
    public EventStage<T> HandleEventsWith<TA, TB>(TA a, TB b)
        where TA : struct, IEventHandler<T>
        where TB : struct, IEventHandler<T> => AddStage(null, [Create(a, []), Create(b, [])]);

    /// <summary>Adds a first-level stage of K workers; worker i handles the sequences with <c>seq % K == i</c>.</summary>
    public EventStage<T> HandleEventsWithWorkers<TA>(params TA[] workers)
        where TA : struct, IEventHandler<T> => AddStage(null, CreateWorkers(workers, []));

    /// <summary>Starts every processor on its own background thread.</summary>
    /// <returns>This graph.</returns>
    /// <exception cref="InvalidOperationException">It has no stages, is already started, or was disposed.</exception>
    public EventGraph<T> Start()
    {
        lock (_stateLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started || _stages.Count == 0)
            {
                Primitives.ThrowHelper.ThrowInvalidOperation(_started ? "The graph is already started." : "The graph has no stages to start.");
            }

            _started = true;
            for (var s = 0; s < _stages.Count; s++)
            {
                var processors = _stages[s].Processors;
                for (var p = 0; p < processors.Count; p++)
                {
                    processors[p].Start($"elara-ring-s{s}-{p}");
                }
            }
        }

        return this;
    }

    /// <summary>Stops every processor after its current batch; returns once all their threads have exited.</summary>
    /// <remarks>Events not yet handled stay in the ring, and the producer stays gated: call <see cref="Drain"/> first to finish them.</remarks>
    public void Halt()
    {
        lock (_stateLock)
        {
            foreach (var stage in _stages)
            {
                foreach (var processor in stage.Processors)
                {
                    processor.Halt();
                }
            }

            _started = false;
        }
    }

    /// <summary>Waits until every end stage has handled everything published before this call.</summary>
    /// <returns><see langword="false"/> when <paramref name="timeout"/> elapsed first or a processor stopped.</returns>
    public bool Drain(TimeSpan timeout)
    {
        var target = _ring.Cursor;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var spinner = default(SpinWait);
        foreach (var stage in _stages)
        {
            if (!stage.IsEnd)
            {
                continue;
            }

            while (stage.MinimumSequence < target)
            {
                if (Stopwatch.GetTimestamp() > deadline || !stage.AllRunning)
                {
                    return stage.MinimumSequence >= target;
                }

                // Control plane: back off (spin, yield, then 1 ms sleeps) instead of holding a core while waiting.
                spinner.SpinOnce();
            }
        }

        return true;
    }

    /// <summary>Halts the graph and stops gating the producer on it.</summary>
    public void Dispose()
    {
        Halt();
        lock (_stateLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var stage in _stages)
            {
                if (stage.IsEnd)
                {
                    foreach (var processor in stage.Processors)
                    {
                        _ring.RemoveGatingSequence(processor.Sequence);
                    }
                }
            }
        }
    }

    internal BatchEventProcessor<T, TH> Create<TH>(TH handler, Sequence[] dependencies)
        where TH : struct, IEventHandler<T> => new(_ring, handler, dependencies, _exceptionHandler);

    internal IEventProcessor[] CreateWorkers<TH>(TH[] workers, Sequence[] dependencies)
        where TH : struct, IEventHandler<T>
    {
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentOutOfRangeException.ThrowIfZero(workers.Length);
        var processors = new IEventProcessor[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            processors[i] = new BatchEventProcessor<T, TH>(_ring, workers[i], dependencies, _exceptionHandler, workers.Length, i);
        }

        return processors;
    }

    internal EventStage<T> AddStage(EventStage<T>? parent, IEventProcessor[] processors)
    {
        lock (_stateLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                Primitives.ThrowHelper.ThrowInvalidOperation("Stages cannot be added to a started graph.");
            }

            var stage = new EventStage<T>(this, _stages.Count, processors);
            _stages.Add(stage);

            // Gate the producer on the new end stage first, then release the parent (no instant with neither).
            var sequences = new Sequence[processors.Length];
            for (var i = 0; i < processors.Length; i++)
            {
                sequences[i] = processors[i].Sequence;
            }

            _ring.AddGatingSequences(sequences);
            if (parent is { IsEnd: true })
            {
                parent.IsEnd = false;
                foreach (var processor in parent.Processors)
                {
                    _ring.RemoveGatingSequence(processor.Sequence);
                }
            }

            return stage;
        }
    }
}
