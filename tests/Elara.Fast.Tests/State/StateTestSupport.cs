using System.Text;
using Elara.Fast.Primitives;
using Elara.Fast.State;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.State;

/// <summary>A local operation on a field, writing its delta into a frame payload.</summary>
internal delegate StateStatus LocalOperation(StateField field, ref EventBlockWriter delta);

/// <summary>One replica of a session's state field, with helpers to run operations and deliver payloads.</summary>
internal sealed class Replica(ulong id, StateLimits? limits = null)
{
    private readonly byte[] _frame = new byte[FrameLayout.MaxPayload];

    public NodeId Id { get; } = new(id);

    public StateField Field { get; } = new(new NodeId(id), limits);

    /// <summary>Runs a local operation; returns its status and the payload to send (empty unless applied).</summary>
    public (StateStatus Status, byte[] Payload) Run(LocalOperation operation)
    {
        var writer = new EventBlockWriter(_frame);
        var status = operation(Field, ref writer);
        return (status, writer.Written.ToArray());
    }

    /// <summary>Runs an operation that must apply, returning its payload.</summary>
    public byte[] Must(LocalOperation operation)
    {
        var (status, payload) = Run(operation);
        Assert.Equal(StateStatus.Applied, status);
        return payload;
    }

    /// <summary>Applies every block of a payload; the statuses in order.</summary>
    public List<StateStatus> Deliver(byte[] payload) => DeliverTo(Field, payload);

    public static List<StateStatus> DeliverTo(StateField field, ReadOnlySpan<byte> payload)
    {
        var statuses = new List<StateStatus>();
        var reader = new EventBlockReader(payload);
        while (reader.MoveNext())
        {
            statuses.Add(field.Apply(reader.Current));
        }

        Assert.Equal(WireStatus.Ok, reader.Status);
        return statuses;
    }

    /// <summary>The whole atom as a GapFill payload (its vector and Merge body), as reconciliation sends it.</summary>
    public byte[] Export(StateId id)
    {
        Assert.True(Field.TryGetAtom(id, out var atom));
        var body = new byte[atom.EncodedLength];
        Assert.Equal(body.Length, Field.WriteAtom(id, body));
        var writer = new EventBlockWriter(_frame);
        Assert.Equal(WireStatus.Ok, writer.TryAppend(EventType.GapFill, id, atom.Version.Entries, Mutation.Merge(body)));
        return writer.Written.ToArray();
    }

    /// <summary>A canonical text of every live atom: id, version vector and encoded state.</summary>
    public string Snapshot()
    {
        var text = new StringBuilder();
        foreach (var atom in Field.Atoms.Where(a => !a.IsDeleted).OrderBy(a => a.Id.Value))
        {
            var body = new byte[atom.EncodedLength];
            atom.Write(body);
            text.Append(atom.Id).Append(' ');
            foreach (var e in atom.Version.Entries)
            {
                text.Append(e.Node.Value).Append(':').Append(e.Counter).Append(',');
            }

            text.Append(' ').Append(Convert.ToHexString(body)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>One full anti-entropy exchange between two replicas, both ways, until nothing is pending.</summary>
    public static void Reconcile(Replica a, Replica b, ReconciliationLimits? limits = null)
    {
        var toB = new ReconciliationSession(a.Field, b.Id, limits);
        var toA = new ReconciliationSession(b.Field, a.Id, limits);
        toB.QueueDigest();
        toA.QueueDigest();
        var frame = new byte[FrameLayout.MaxPayload];
        for (var rounds = 0; toB.Pending > 0 || toA.Pending > 0; rounds++)
        {
            Assert.True(rounds < 10_000, "reconciliation did not finish");
            Pump(toB, toA, frame);
            Pump(toA, toB, frame);
        }
    }

    /// <summary>Sends one frame's worth from <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static void Pump(ReconciliationSession from, ReconciliationSession to, byte[] frame)
    {
        var writer = new EventBlockWriter(frame);
        from.Fill(ref writer);
        Assert.True(writer.BytesWritten <= FrameLayout.MaxPayload);
        var payload = writer.Written.ToArray();
        var reader = new EventBlockReader(payload);
        while (reader.MoveNext())
        {
            to.Receive(reader.Current);
        }

        Assert.Equal(WireStatus.Ok, reader.Status);
    }

    /// <summary>Reconciles every pair, <paramref name="rounds"/> times (tombstone acknowledgements need more than one).</summary>
    public static void ReconcileAll(IReadOnlyList<Replica> replicas, int rounds = 3)
    {
        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < replicas.Count; i++)
            {
                for (var j = i + 1; j < replicas.Count; j++)
                {
                    Reconcile(replicas[i], replicas[j]);
                }
            }
        }
    }
}
