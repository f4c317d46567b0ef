using BenchmarkDotNet.Attributes;
using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Benchmarks.State;

/// <summary>
/// One operation through the state field: applied locally and its delta written as an event block (what a node
/// does for its own update), and the same block applied by a second replica (what a peer does on receipt).
/// Storage is pre-sized, so steady state allocates nothing.
/// </summary>
[MemoryDiagnoser]
public class StateApplyBenchmarks
{
    private const int LogBatch = 16;
    private static readonly StateId Register = new(1);
    private static readonly StateId Counter = new(2);
    private static readonly StateId Log = new(3);

    private readonly byte[] _frame = new byte[FrameLayout.MaxPayload];
    private readonly byte[] _value = new byte[16];
    private StateField _a = null!;
    private StateField _b = null!;
    private long _time;

    [GlobalSetup]
    public void Setup()
    {
        // Unbounded bytes: the log benchmark empties the log behind the field's back, so the byte total drifts.
        var limits = new StateLimits { MaxBytes = long.MaxValue };
        _a = new StateField(new NodeId(1), limits);
        _b = new StateField(new NodeId(2), limits);
        var writer = new EventBlockWriter(_frame);
        _a.Create(Register, CrdtKind.LwwRegister, ref writer);
        _a.Create(Counter, CrdtKind.PnCounter, ref writer);
        _a.Create(Log, CrdtKind.AppendLog, ref writer);
        var reader = new EventBlockReader(writer.Written);
        while (reader.MoveNext())
        {
            _b.Apply(reader.Current);
        }
    }

    [Benchmark(Baseline = true, Description = "LWW set (local apply + delta)")]
    public int LwwSet()
    {
        var writer = new EventBlockWriter(_frame);
        return (int)_a.Set(Register, ++_time, _value, ref writer);
    }

    [Benchmark(Description = "LWW set, then applied by a peer")]
    public int LwwSetAndRemoteApply()
    {
        var writer = new EventBlockWriter(_frame);
        _a.Set(Register, ++_time, _value, ref writer);
        var reader = new EventBlockReader(writer.Written);
        reader.MoveNext();
        return (int)_b.Apply(reader.Current);
    }

    [Benchmark(Description = "counter increment (local apply + delta)")]
    public int CounterIncrement()
    {
        var writer = new EventBlockWriter(_frame);
        return (int)_a.Increment(Counter, 1, ref writer);
    }

    [Benchmark(Description = "log append 16 B (local apply + delta)", OperationsPerInvoke = LogBatch)]
    public int LogAppend()
    {
        // A log is bounded by one frame (≈ 1.3 KB); empty it every 16 appends to keep measuring appends.
        _a.TryGetAtom(Log, out var atom);
        atom.Value.Clear();
        var status = StateStatus.Applied;
        for (var i = 0; i < LogBatch; i++)
        {
            var writer = new EventBlockWriter(_frame);
            var t = ++_time;
            status = _a.Append(Log, t, new MessageId((ulong)t), _value, ref writer);
        }

        return (int)status;
    }
}
