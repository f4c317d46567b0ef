using BenchmarkDotNet.Attributes;
using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Benchmarks.State;

/// <summary>
/// A reconciliation digest of 10,000 atoms (each with a 3-node version vector), written as StateRequest event blocks
/// into frame-sized payloads, against the floor of copying the same version vectors into one buffer.
/// </summary>
[MemoryDiagnoser]
public class DigestBenchmarks
{
    private const int Atoms = 10_000;
    private readonly byte[] _frame = new byte[FrameLayout.MaxPayload];
    private readonly byte[] _reply = new byte[FrameLayout.MaxPayload];
    private readonly byte[] _flat = new byte[Atoms * 64];
    private StateField _field = null!;
    private ReconciliationSession _session = null!;

    [GlobalSetup]
    public void Setup()
    {
        _field = new StateField(new NodeId(1), new StateLimits { MaxAtoms = Atoms });
        var peers = new[] { new StateField(new NodeId(2)), new StateField(new NodeId(3)) };
        for (ulong i = 1; i <= Atoms; i++)
        {
            var id = new StateId(i);
            var writer = new EventBlockWriter(_frame);
            _field.Create(id, CrdtKind.PnCounter, ref writer);
            _field.SetAuthority(id, new NodeId(2), true, ref writer);
            _field.SetAuthority(id, new NodeId(3), true, ref writer);
            foreach (var peer in peers)
            {
                var reader = new EventBlockReader(writer.Written);
                while (reader.MoveNext())
                {
                    peer.Apply(reader.Current);
                }

                var w = new EventBlockWriter(_reply);
                peer.Increment(id, 1, ref w);
                var back = new EventBlockReader(w.Written);
                back.MoveNext();
                _field.Apply(back.Current);
            }
        }

        _session = new ReconciliationSession(_field, new NodeId(2), new ReconciliationLimits { MaxAtoms = Atoms, MaxBytes = long.MaxValue });
    }

    [Benchmark(Baseline = true, Description = "copy 10,000 version vectors (floor)")]
    public int CopyVectors()
    {
        var at = 0;
        foreach (var atom in _field.Atoms)
        {
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(atom.Version.Entries);
            bytes.CopyTo(_flat.AsSpan(at));
            at += bytes.Length;
        }

        return at;
    }

    [Benchmark(Description = "digest of 10,000 atoms in frames")]
    public int Digest()
    {
        _session.QueueDigest();
        var frames = 0;
        var status = ReconciliationStatus.FrameFull;
        while (status == ReconciliationStatus.FrameFull)
        {
            var writer = new EventBlockWriter(_frame);
            status = _session.Fill(ref writer);
            frames++;
        }

        return frames;
    }
}
