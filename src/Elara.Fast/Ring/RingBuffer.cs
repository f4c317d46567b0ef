using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Elara.Fast.Ring;

/// <summary>
/// A pre-allocated ring of value-type entries addressed by sequence, with its sequencer: producers claim
/// (<see cref="Next()"/>), write in place through <see cref="this[long]"/>, and <see cref="Publish(long)"/>;
/// consumers are wired with <see cref="HandleEventsWith{TA}(TA)"/>.
/// </summary>
/// <typeparam name="T">The entry: a struct, written and read in place (no copies, no allocation per event).</typeparam>
public sealed class RingBuffer<T>
    where T : struct
{
    // Entries either side of the ring so the first and last slots never share a cache line (or the adjacent-line
    // prefetch pair) with the array header or a neighbouring object.
    private static readonly int Padding = Math.Max(1, (2 * PaddedLong.CacheLineSize + Unsafe.SizeOf<T>() - 1) / Unsafe.SizeOf<T>());

    private readonly T[] _entries;
    private readonly long _indexMask;
    private readonly Sequencer _sequencer;

    // Exactly one of these is set: the sealed types let the JIT inline Next/Publish on the producer's path.
    private readonly SingleProducerSequencer? _singleProducer;
    private readonly MultiProducerSequencer? _multiProducer;

    /// <summary>Creates a ring of <paramref name="size"/> entries (a power of two).</summary>
    /// <param name="size">Number of entries: a power of two between 1 and 2^30.</param>
    /// <param name="producerType">One producer thread (fastest) or many.</param>
    /// <param name="waitStrategy">How consumers wait; <see langword="null"/> picks <see cref="BackoffWaitStrategy"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="size"/> is not a power of two.</exception>
    public RingBuffer(int size, ProducerType producerType = ProducerType.Single, IWaitStrategy? waitStrategy = null)
        : this(producerType == ProducerType.Single
            ? new SingleProducerSequencer(size, waitStrategy)
            : new MultiProducerSequencer(size, waitStrategy))
    {
    }

    /// <summary>Creates a ring sized and sequenced by <paramref name="sequencer"/>.</summary>
    public RingBuffer(Sequencer sequencer)
    {
        ArgumentNullException.ThrowIfNull(sequencer);
        _sequencer = sequencer;
        _singleProducer = sequencer as SingleProducerSequencer;
        _multiProducer = sequencer as MultiProducerSequencer;
        if (_singleProducer is null && _multiProducer is null)
        {
            Primitives.ThrowHelper.ThrowArgument(nameof(sequencer), "Only SingleProducerSequencer and MultiProducerSequencer are supported.");
        }

        _indexMask = sequencer.BufferSize - 1;
        _entries = new T[sequencer.BufferSize + (2 * Padding)];
    }

    /// <summary>A ring for one producer thread.</summary>
    public static RingBuffer<T> CreateSingleProducer(int size, IWaitStrategy? waitStrategy = null) => new(size, ProducerType.Single, waitStrategy);

    /// <summary>A ring for any number of producer threads.</summary>
    public static RingBuffer<T> CreateMultiProducer(int size, IWaitStrategy? waitStrategy = null) => new(size, ProducerType.Multi, waitStrategy);

    /// <summary>Number of entries (a power of two).</summary>
    public int Size => _sequencer.BufferSize;

    /// <summary>The sequencer (claims, publishes, gating).</summary>
    public Sequencer Sequencer => _sequencer;

    /// <summary>The producer cursor (see <see cref="Sequencer.Cursor"/>).</summary>
    public long Cursor => _sequencer.Cursor;

    /// <summary>Free slots right now (see <see cref="Sequencer.RemainingCapacity"/>).</summary>
    public long RemainingCapacity => _sequencer.RemainingCapacity;

    /// <summary>The entry for <paramref name="sequence"/>, in place. Write only claimed sequences; read only available ones.</summary>
    public ref T this[long sequence]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), (nint)(Padding + (sequence & _indexMask)));
    }

    /// <summary>Slot 0, for loops that hoist the base and the mask (the processor's batch loop).</summary>
    internal ref T FirstEntry
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), Padding);
    }

    /// <summary><see cref="Size"/> − 1: the index of sequence s is <c>s &amp; IndexMask</c>.</summary>
    internal long IndexMask => _indexMask;

    /// <inheritdoc cref="Sequencer.Next()" />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next() => _singleProducer is { } single ? single.Next(1) : _multiProducer!.Next(1);

    /// <inheritdoc cref="Sequencer.Next(int)" />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next(int n) => _singleProducer is { } single ? single.Next(n) : _multiProducer!.Next(n);

    /// <inheritdoc cref="Sequencer.TryNext(out long)" />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryNext(out long sequence) => _singleProducer is { } single ? single.TryNext(1, out sequence) : _multiProducer!.TryNext(1, out sequence);

    /// <inheritdoc cref="Sequencer.TryNext(int, out long)" />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryNext(int n, out long highSequence) => _singleProducer is { } single ? single.TryNext(n, out highSequence) : _multiProducer!.TryNext(n, out highSequence);

    /// <inheritdoc cref="Sequencer.Publish(long)" />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long sequence)
    {
        if (_singleProducer is { } single)
        {
            single.Publish(sequence);
        }
        else
        {
            _multiProducer!.Publish(sequence);
        }
    }

    /// <inheritdoc cref="Sequencer.Publish(long, long)" />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long lo, long hi)
    {
        if (_singleProducer is { } single)
        {
            single.Publish(hi);
        }
        else
        {
            _multiProducer!.Publish(lo, hi);
        }
    }

    /// <inheritdoc cref="Sequencer.NewBarrier" />
    public SequenceBarrier NewBarrier(params Sequence[] dependents) => _sequencer.NewBarrier(dependents);

    /// <inheritdoc cref="Sequencer.AddGatingSequences" />
    public void AddGatingSequences(params Sequence[] sequences) => _sequencer.AddGatingSequences(sequences);

    /// <inheritdoc cref="Sequencer.RemoveGatingSequence" />
    public bool RemoveGatingSequence(Sequence sequence) => _sequencer.RemoveGatingSequence(sequence);

    /// <summary>Starts a consumer graph whose first stage is one processor running <paramref name="a"/>.</summary>
    public EventStage<T> HandleEventsWith<TA>(TA a)
        where TA : struct, IEventHandler<T> => CreateGraph().HandleEventsWith(a);

    /// <summary>Starts a consumer graph whose first stage is two parallel processors.</summary>
    public EventStage<T> HandleEventsWith<TA, TB>(TA a, TB b)
        where TA : struct, IEventHandler<T>
        where TB : struct, IEventHandler<T> => CreateGraph().HandleEventsWith(a, b);

    /// <summary>Starts a consumer graph whose first stage is K workers, worker i taking the sequences with <c>seq % K == i</c>.</summary>
    public EventStage<T> HandleEventsWithWorkers<TA>(params TA[] workers)
        where TA : struct, IEventHandler<T> => CreateGraph().HandleEventsWithWorkers(workers);

    /// <summary>An empty consumer graph over this ring, with its exception handler (default: log, count, continue).</summary>
    public EventGraph<T> CreateGraph(IExceptionHandler<T>? exceptionHandler = null) => new(this, exceptionHandler);
}
