using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Elara.Fast.Transport;

namespace Elara.Fast.Tests.Transport;

public sealed class TransportCountersTests
{
    [Fact]
    public void Socket_errors_are_counted_by_kind()
    {
        var counters = new TransportCounters();

        counters.AddError(SocketError.ConnectionReset);
        counters.AddError(SocketError.ConnectionRefused);
        counters.AddError(SocketError.MessageSize);
        counters.AddError(SocketError.HostUnreachable);

        Assert.Equal(2, counters.ConnectionResets);
        Assert.Equal(1, counters.MessageSizeErrors);
        Assert.Equal(1, counters.OtherErrors);
    }

    [Fact]
    public void Counters_are_published_as_observable_instruments()
    {
        var counters = new TransportCounters();
        counters.AddReceived(3, 600);
        counters.AddSent(2, 400);
        counters.AddDropped(DropReason.RingFull, 5);
        counters.AddDropped(DropReason.TooShort);
        using var meter = new Meter("test.transport");
        counters.Register(meter, "udp");
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Meter == meter) { l.EnableMeasurementEvents(instrument); } } };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    key += "/" + tag.Value;
                }
            }

            seen[key] = value;
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(3, seen["elara.transport.received"]);
        Assert.Equal(600, seen["elara.transport.received_bytes"]);
        Assert.Equal(2, seen["elara.transport.sent"]);
        Assert.Equal(5, seen["elara.transport.dropped/RingFull"]);
        Assert.Equal(1, seen["elara.transport.dropped/TooShort"]);
        Assert.Equal(6, counters.DroppedTotal);
    }

    [Fact]
    public void Log_sampling_keeps_powers_of_two()
    {
        Assert.Equal([1L, 2, 4, 8, 16, 32, 64], Enumerable.Range(1, 100).Select(i => (long)i).Where(TransportLog.ShouldLog));
    }
}
