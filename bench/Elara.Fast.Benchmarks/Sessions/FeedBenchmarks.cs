using BenchmarkDotNet.Attributes;
using Elara.Fast.Primitives;
using Elara.Fast.Sessions;
using Elara.Fast.Wire;

namespace Elara.Fast.Benchmarks.Sessions;

/// <summary>
/// The feed on the Apply thread: appending a received 64-byte TextAppend (decode, validate, dedupe, index, evict past
/// 10 000) and reading 100 items from a cursor, against a <see cref="List{T}"/> of copied records in the same run.
/// </summary>
[MemoryDiagnoser]
public class FeedBenchmarks
{
    private const int Window = 10_000;
    private const int Distinct = 2 * Window; // an id comes round again only after it has been evicted
    private static readonly NodeId Author = new(2);
    private static readonly StreamId Chat = new(7);
    private readonly byte[][] _blocks = new byte[Distinct][];
    private readonly List<Record> _list = new(Window);
    private SessionStreams _feed = null!;
    private int _next;
    private int _nextFeed;

    [GlobalSetup]
    public void Setup()
    {
        _feed = new Session(new SessionId(9), null!, new NodeId(1), SessionState.Active).StreamState;
        _feed.MaxItems = Window;
        Apply(Start());
        var text = new byte[64];
        text.AsSpan().Fill((byte)'x');
        for (var i = 0; i < Distinct; i++)
        {
            var writer = new EventBlockWriter(new byte[256]);
            StreamEvents.WriteTextAppend(ref writer, Chat, new MessageId((ulong)i + 1), i, null, text);
            _blocks[i] = writer.Written.ToArray();
        }

        for (var i = 0; i < Distinct; i++)
        {
            AppendToFeed();
            AppendToList();
        }
    }

    /// <summary>Baseline: a record with the text copied out, added to a list (cleared at the window, amortised).</summary>
    [Benchmark(Baseline = true)]
    public int AppendToList()
    {
        if (_list.Count == Window)
        {
            _list.Clear();
        }

        var block = _blocks[_next++ % Distinct];
        _list.Add(new Record(Author, (ulong)_next, block.AsSpan(block.Length - 64).ToArray()));
        return _list.Count;
    }

    /// <summary>The feed: one received TextAppend applied, as the Apply thread does it.</summary>
    [Benchmark]
    public int AppendToFeed()
    {
        Apply(_blocks[_nextFeed++ % Distinct]);
        return _nextFeed;
    }

    /// <summary>Baseline: 100 records from a cursor in the middle of the list.</summary>
    [Benchmark]
    public int ReadFromList() => _list.GetRange(Window / 2, 100).Count;

    /// <summary>The feed: 100 item snapshots (text decoded) from a cursor in the middle of the window.</summary>
    [Benchmark]
    public int ReadFromFeed()
    {
        var page = _feed.Read(0, 1, FeedDirection.Forward);
        return _feed.Read(page.Oldest + (Window / 2), 100, FeedDirection.Forward).Items.Count;
    }

    private static byte[] Start()
    {
        var writer = new EventBlockWriter(new byte[64]);
        StreamEvents.WriteStreamStart(ref writer, Chat, StreamKind.Text);
        return writer.Written.ToArray();
    }

    private void Apply(byte[] blocks)
    {
        foreach (var block in new EventBlockReader(blocks))
        {
            _feed.Apply(Author, PacketClass.Core, block, 0);
        }
    }

    private sealed record Record(NodeId Author, ulong Id, byte[] Text);
}
