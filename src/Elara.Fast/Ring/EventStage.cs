namespace Elara.Fast.Ring;

/// <summary>One stage of an <see cref="EventGraph{T}"/>: processors that run in parallel on the same dependencies.</summary>
/// <typeparam name="T">The ring entry type.</typeparam>
public sealed class EventStage<T>
    where T : struct
{
    private readonly IEventProcessor[] _processors;
    private readonly Sequence[] _sequences;

    internal EventStage(EventGraph<T> graph, int index, IEventProcessor[] processors)
    {
        Graph = graph;
        Index = index;
        _processors = processors;
        _sequences = new Sequence[processors.Length];
        for (var i = 0; i < processors.Length; i++)
        {
            _sequences[i] = processors[i].Sequence;
        }
    }

    /// <summary>The graph this stage belongs to.</summary>
    public EventGraph<T> Graph { get; }

    /// <summary>This stage's position in <see cref="EventGraph{T}.GetStage"/>.</summary>
    public int Index { get; }

    /// <summary>The stage's processors (cast to <see cref="BatchEventProcessor{T, THandler}"/> to reach a handler).</summary>
    public IReadOnlyList<IEventProcessor> Processors => _processors;

    /// <summary>Whether no stage depends on this one (the producer is gated on end stages).</summary>
    public bool IsEnd { get; internal set; } = true;

    /// <summary>How far this stage trails the producer: cursor minus its slowest processor's sequence.</summary>
    public long Lag => Graph.Ring.Cursor - MinimumSequence;

    internal long MinimumSequence => Sequence.GetMinimum(_sequences);

    internal bool AllRunning
    {
        get
        {
            foreach (var processor in _processors)
            {
                if (!processor.IsRunning)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Adds a stage that handles each event after this one: one processor running <paramref name="a"/>.</summary>
    public EventStage<T> Then<TA>(TA a)
        where TA : struct, IEventHandler<T> => Graph.AddStage(this, [Graph.Create(a, _sequences)]);

    /// <summary>Adds a stage of two processors that run in parallel after this one.</summary>
    public EventStage<T> Then<TA, TB>(TA a, TB b)
        where TA : struct, IEventHandler<T>
        where TB : struct, IEventHandler<T> => Graph.AddStage(this, [Graph.Create(a, _sequences), Graph.Create(b, _sequences)]);

    /// <summary>Adds a stage of three processors that run in parallel after this one.</summary>
    public EventStage<T> Then<TA, TB, TC>(TA a, TB b, TC c)
        where TA : struct, IEventHandler<T>
        where TB : struct, IEventHandler<T>
        where TC : struct, IEventHandler<T> =>
        Graph.AddStage(this, [Graph.Create(a, _sequences), Graph.Create(b, _sequences), Graph.Create(c, _sequences)]);

    /// <summary>Adds a stage of K workers after this one; worker i handles the sequences with <c>seq % K == i</c>.</summary>
    public EventStage<T> ThenWorkers<TA>(params TA[] workers)
        where TA : struct, IEventHandler<T> => Graph.AddStage(this, Graph.CreateWorkers(workers, _sequences));

    /// <summary>The processor at <paramref name="index"/> with its handler type, to read the handler's state.</summary>
    public BatchEventProcessor<T, THandler> GetProcessor<THandler>(int index)
        where THandler : struct, IEventHandler<T> => (BatchEventProcessor<T, THandler>)_processors[index];

    /// <summary>Starts the whole graph (see <see cref="EventGraph{T}.Start"/>).</summary>
    public EventGraph<T> Start() => Graph.Start();
}
