using System.Net;
using Elara.Fast.Runtime;
using Elara.Fast.Sessions;

namespace Elara.Fast.Tests.Runtime;

/// <summary>The same node over real UDP sockets on loopback, each transport mode.</summary>
public sealed class NodeSocketTests
{
    [Theory]
    [InlineData(NodeTransportMode.Portable)]
    [InlineData(NodeTransportMode.Automatic)]
    public async Task Three_nodes_on_loopback_sockets_join_and_exchange_core_events(NodeTransportMode mode)
    {
        var config = new NodeConfig
        {
            BindAddress = new IPEndPoint(IPAddress.Loopback, 0),
            Transport = mode,
            EventBufferSize = 1024,
        };
        await using var a = await Node.CreateAsync(config);
        await using var b = await Node.CreateAsync(config);
        await using var c = await Node.CreateAsync(config);
        var aHandler = new RecordingHandler();
        a.SetFrameHandler(aHandler);
        var bHandler = new RecordingHandler();
        b.SetFrameHandler(bHandler);
        var session = await a.CreateSessionAsync();

        var bSession = await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        var cSession = await c.JoinAsync(session.SessionId, a.LocalEndPoint);

        Assert.Equal(2, cSession.Participants.Count);
        for (ulong i = 0; i < 200; i++)
        {
            await NodeSessionTests.SendEventually(cSession, i);
        }

        Assert.Equal(SendStatus.Queued, bSession.TrySendCore(NodeTestKit.Message(5000)));
        await NodeTestKit.WaitUntil(() => aHandler.From(c.NodeId).Count == 200 && aHandler.From(b.NodeId).Contains(5000), "A has C's and B's messages", aHandler.Changed);
        await NodeTestKit.WaitUntil(() => bHandler.From(c.NodeId).Count == 200, "B has C's messages", bHandler.Changed);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (ulong)i), bHandler.From(c.NodeId));
        Assert.Equal(IPAddress.Loopback, session.Participants[b.NodeId].EndPoint!.Address);
    }
}
