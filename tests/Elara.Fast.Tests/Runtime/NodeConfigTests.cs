using System.Net;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Runtime;

namespace Elara.Fast.Tests.Runtime;

public sealed class NodeConfigTests
{
    [Fact]
    public void The_defaults_validate()
    {
        Assert.Empty(new NodeConfig().Validate());
    }

    public static TheoryData<string, string> BadFields => new()
    {
        { "MaxPeers", "MaxPeers must be between 1 and 65536" },
        { "EventBufferSize", "EventBufferSize must be a power of two" },
        { "BindAddress", "BindAddress is required" },
        { "IdentityPath", "does not exist" },
        { "JoinTimeout", "JoinTimeout must be positive" },
        { "PeerTimeout", "PeerTimeout must be positive" },
        { "KeepaliveInterval", "KeepaliveInterval must be positive" },
        { "TickInterval", "TickInterval must be between 1 ms and 1 s" },
        { "PeerTimeoutShort", "must be at least three KeepaliveIntervals" },
        { "NodeIdZero", "NodeId must not be zero" },
        { "Degradation", "Degradation.IngressOccupancy must rise" },
        { "HighWater", "Degradation.HighWaterMark must be between 0 and 1" },
        { "Transport", "is not a known transport mode" },
        { "WaitStrategy", "is not a known wait strategy" },
        { "MaxTimeHint", "MaxTimeHint must be positive" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void Validate_rejects_each_bad_field_with_its_own_message(string field, string message)
    {
        var config = field switch
        {
            "MaxPeers" => new NodeConfig { MaxPeers = 0 },
            "EventBufferSize" => new NodeConfig { EventBufferSize = 1000 },
            "BindAddress" => new NodeConfig { BindAddress = null! },
            "IdentityPath" => new NodeConfig { IdentityPath = "/nonexistent/elara.key" },
            "JoinTimeout" => new NodeConfig { JoinTimeout = TimeSpan.Zero },
            "PeerTimeout" => new NodeConfig { PeerTimeout = TimeSpan.FromSeconds(-1) },
            "KeepaliveInterval" => new NodeConfig { KeepaliveInterval = TimeSpan.Zero },
            "TickInterval" => new NodeConfig { TickInterval = TimeSpan.FromSeconds(5) },
            "PeerTimeoutShort" => new NodeConfig { PeerTimeout = TimeSpan.FromSeconds(2), KeepaliveInterval = TimeSpan.FromSeconds(1) },
            "NodeIdZero" => new NodeConfig { NodeId = new NodeId(0) },
            "Degradation" => new NodeConfig { Degradation = new DegradationConfig { IngressOccupancy = [0.5, 0.4, 0.6, 0.7, 0.8] } },
            "HighWater" => new NodeConfig { Degradation = new DegradationConfig { HighWaterMark = 1.5 } },
            "Transport" => new NodeConfig { Transport = (NodeTransportMode)42 },
            "WaitStrategy" => new NodeConfig { WaitStrategy = (NodeWaitStrategy)42 },
            "MaxTimeHint" => new NodeConfig { MaxTimeHint = TimeSpan.Zero },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        var problems = config.Validate();

        var problem = Assert.Single(problems);
        Assert.Contains(message, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_lists_every_problem_at_once()
    {
        var problems = new NodeConfig { MaxPeers = 0, EventBufferSize = 3, JoinTimeout = TimeSpan.Zero }.Validate();

        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void A_node_id_that_does_not_match_the_identity_is_a_configuration_error()
    {
        using var identity = NodeIdentity.Generate();
        var problems = new NodeConfig { Identity = identity, NodeId = new NodeId(identity.NodeId.Value ^ 1) }.Validate();

        Assert.Contains("does not match the identity", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_refuses_a_bad_configuration_with_every_message()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Node.CreateAsync(new NodeConfig { MaxPeers = 0, EventBufferSize = 3 }));

        Assert.Contains("MaxPeers", error.Message, StringComparison.Ordinal);
        Assert.Contains("EventBufferSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_loads_its_identity_from_a_file_and_its_id_is_derived_from_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"elara-{Guid.NewGuid():n}.key");
        try
        {
            using (var identity = NodeIdentity.Generate())
            {
                identity.Save(path);
            }

            using var loaded = NodeIdentity.Load(path);
            await using var node = await Node.CreateAsync(new NodeConfig { IdentityPath = path, BindAddress = new IPEndPoint(IPAddress.Loopback, 0) });

            Assert.Equal(loaded.NodeId, node.NodeId);
            Assert.NotEqual(0, node.LocalEndPoint.Port);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
