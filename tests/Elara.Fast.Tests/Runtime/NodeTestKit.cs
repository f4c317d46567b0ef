using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Runtime;
using Elara.Fast.Sessions;
using Elara.Fast.Transport;
using Elara.Fast.Transport.InMemory;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Runtime;

/// <summary>Nodes on one in-memory network (real time, seeded impairment), and what their handlers received.</summary>
internal sealed class NodeTestKit : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly List<Node> _nodes = [];

    public NodeTestKit(int seed = 7) => Network = new InMemoryNetwork(seed);

    public InMemoryNetwork Network { get; }

    public static NodeConfig Config(Func<IPEndPoint, IDatagramTransport> transport, NodeIdentity? identity = null) => new()
    {
        Identity = identity,
        TransportFactory = transport,
        EventBufferSize = 1024,
        KeepaliveInterval = TimeSpan.FromMilliseconds(200),
        PeerTimeout = TimeSpan.FromSeconds(2),
        JoinTimeout = TimeSpan.FromSeconds(20),
    };

    public async Task<(Node Node, RecordingHandler Handler)> StartAsync(Func<NodeConfig, NodeConfig>? configure = null, NodeIdentity? identity = null, IPEndPoint? address = null)
    {
        var config = Config(_ => Network.CreateEndpoint(address), identity);
        if (configure is not null)
        {
            config = configure(config);
        }

        var node = await Node.CreateAsync(config);
        var handler = new RecordingHandler();
        node.SetFrameHandler(handler);
        _nodes.Add(node);
        return (node, handler);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        Network.Dispose();
    }

    /// <summary>One application-defined block (passed to the handler untouched) whose state id carries <paramref name="number"/>.</summary>
    public static byte[] Message(ulong number, int padding = 16)
    {
        var buffer = new byte[256];
        var writer = new EventBlockWriter(buffer);
        var body = new byte[padding];
        BinaryPrimitives.WriteUInt64LittleEndian(body, number);
        Assert.Equal(WireStatus.Ok, writer.TryAppend(EventType.ApplicationDefined, new StateId(number), default, Mutation.Set(body)));
        return writer.Written.ToArray();
    }

    /// <summary>Waits until an asynchronous <paramref name="condition"/> holds, re-checked at least every 50 ms, bounded by <see cref="Patience"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds: re-checked whenever <paramref name="changed"/> is signalled
    /// (a handler received something, an event arrived), and at least every 50 ms for state that has no signal.
    /// Bounded by <paramref name="timeout"/>; fails the test with <paramref name="what"/> when it runs out.
    /// </summary>
    public static async Task WaitUntil(Func<bool> condition, string what, WaitHandle? changed = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            if (changed is not null)
            {
                await Task.Run(() => changed.WaitOne(50));
            }
            else
            {
                await Task.Delay(20);
            }
        }
    }
}

/// <summary>Records every application payload a node's Apply thread hands over: (session, sender, class, state id of each block).</summary>
internal sealed class RecordingHandler : IFrameHandler
{
    public ConcurrentQueue<(SessionId Session, NodeId Sender, PacketClass Class, ulong Number)> Received { get; } = new();

    /// <summary>Signalled after every payload.</summary>
    public AutoResetEvent Changed { get; } = new(false);

    public void OnEvents(Session session, Participant sender, PacketClass packetClass, ReadOnlySpan<byte> eventBlocks)
    {
        foreach (var block in new EventBlockReader(eventBlocks))
        {
            Received.Enqueue((session.SessionId, sender.NodeId, packetClass, block.StateId.Value));
        }

        Changed.Set();
    }

    public List<ulong> From(NodeId sender, PacketClass packetClass = PacketClass.Core)
    {
        var list = new List<ulong>();
        foreach (var item in Received)
        {
            if (item.Sender == sender && item.Class == packetClass)
            {
                list.Add(item.Number);
            }
        }

        return list;
    }
}
