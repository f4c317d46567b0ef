using System.Diagnostics.Metrics;
using Elara.Fast.Primitives;

namespace Elara.Fast.Runtime;

/// <summary>
/// The node's instruments on the meter <c>Elara.Fast</c> (through <see cref="IMeterFactory"/> when one is given).
/// Every instrument is observable: it reads the node's counters when a listener collects, so the hot path pays
/// nothing for metrics. Tags are low-cardinality (class, reason, stage, outcome), never a node or session id.
/// </summary>
internal sealed class NodeMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>dotnet-counters monitor --counters Elara.Fast</c> and OpenTelemetry.</summary>
    public const string MeterName = "Elara.Fast";

    private static readonly PacketClass[] Classes = [PacketClass.Core, PacketClass.Perceptual, PacketClass.Enhancement, PacketClass.Cosmetic, PacketClass.Repair];
    private static readonly string[] ClassNames = ["core", "perceptual", "enhancement", "cosmetic", "repair"];
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public NodeMetrics(Node node, IMeterFactory? factory)
    {
        _ownsMeter = factory is null;
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        var counters = node.Counters;
        _meter.CreateObservableCounter("elara.datagrams.received", () => counters.Datagrams, "{datagram}", "Datagrams taken from the ingress ring");
        _meter.CreateObservableCounter("elara.frames.received", () => PerClass(counters.GetFramesIn), "{frame}", "Frames authenticated, by class");
        _meter.CreateObservableCounter("elara.frames.sent", () => PerClass(counters.GetFramesOut), "{frame}", "Frames handed to the egress ring, by class");
        _meter.CreateObservableCounter("elara.frames.dropped", () => Drops(counters), "{frame}", "Frames dropped, by class and reason");
        _meter.CreateObservableCounter("elara.decrypt.failures", () => counters.GetDropped(NodeDropReason.DecryptFailed), "{frame}", "Frames whose tag or keys did not verify");
        _meter.CreateObservableCounter("elara.handshakes", () => Handshakes(counters), "{handshake}", "Handshakes by outcome");
        _meter.CreateObservableCounter("elara.core.retransmissions", () => counters.CoreMessagesRetransmitted, "{message}", "Reliable Core messages sent again");
        _meter.CreateObservableGauge("elara.peers", () => node.PeerCount, "{peer}", "Peer links");
        _meter.CreateObservableGauge("elara.sessions", () => node.Sessions.Count, "{session}", "Sessions this node is in");
        _meter.CreateObservableGauge("elara.ring.lag", () => new[]
        {
            new Measurement<long>(node.IngressLag, new KeyValuePair<string, object?>("stage", "apply")),
            new Measurement<long>(node.EgressLag, new KeyValuePair<string, object?>("stage", "transmit")),
        }, "{entry}", "Entries waiting for each stage");
        _meter.CreateObservableGauge("elara.degradation.level", () => (int)node.Level, "{level}", "The node's degradation level (0-5)");
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static IEnumerable<Measurement<long>> PerClass(Func<PacketClass, long> read)
    {
        for (var i = 0; i < Classes.Length; i++)
        {
            yield return new Measurement<long>(read(Classes[i]), new KeyValuePair<string, object?>("class", ClassNames[i]));
        }
    }

    private static IEnumerable<Measurement<long>> Drops(NodeCounters counters)
    {
        foreach (var reason in Enum.GetValues<NodeDropReason>())
        {
            for (var i = 0; i < Classes.Length; i++)
            {
                var value = counters.GetDropped(Classes[i], reason);
                if (value != 0)
                {
                    yield return new Measurement<long>(
                        value, new KeyValuePair<string, object?>("class", ClassNames[i]), new KeyValuePair<string, object?>("reason", ReasonName(reason)));
                }
            }
        }
    }

    private static IEnumerable<Measurement<long>> Handshakes(NodeCounters counters)
    {
        foreach (var outcome in Enum.GetValues<HandshakeOutcome>())
        {
            yield return new Measurement<long>(counters.GetHandshakes(outcome), new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));
        }
    }

    private static string ReasonName(NodeDropReason reason) => reason.ToString().ToLowerInvariant();
}
