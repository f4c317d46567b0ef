using System.Diagnostics.Metrics;
using System.Net.Sockets;

namespace Elara.Fast.Transport;

/// <summary>
/// Counts every datagram a transport handles: received, sent, bytes, drops by reason and socket errors.
/// </summary>
/// <remarks>
/// Several threads write (one per <c>SO_REUSEPORT</c> socket, socket completions on the thread pool, the
/// Transmit stage), so writes are <see cref="Interlocked"/> adds, done once per batch for the per-datagram
/// figures. A receive thread that lands one datagram per system call instead owns a <see cref="ReceiveTally"/>:
/// plain stores by its one writer, summed by readers (an atomic add per datagram cost more than the landing).
/// Reads are <see cref="Volatile"/> loads (a monotonic counter read slightly stale is fine).
/// <see cref="Register"/> publishes them as <see cref="System.Diagnostics.Metrics"/> observable counters.
/// </remarks>
public sealed class TransportCounters
{
    private const int DropReasonCount = 6;
    private readonly long[] _dropped = new long[DropReasonCount];
    private long _received;
    private long _receivedBytes;
    private long _sent;
    private long _sentBytes;
    private long _receiveBatches;
    private long _sendBatches;
    private long _connectionResets;
    private long _messageSizeErrors;
    private long _otherErrors;
    private ReceiveTally[] _tallies = [];

    /// <summary>Datagrams that landed in the ring.</summary>
    public long Received => Volatile.Read(ref _received) + SumTallies(bytes: false);

    /// <summary>Bytes of the datagrams that landed in the ring.</summary>
    public long ReceivedBytes => Volatile.Read(ref _receivedBytes) + SumTallies(bytes: true);

    /// <summary>Datagrams handed to the network.</summary>
    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Bytes of the datagrams handed to the network.</summary>
    public long SentBytes => Volatile.Read(ref _sentBytes);

    /// <summary>Receive calls that returned at least one datagram (received ÷ this = mean batch).</summary>
    public long ReceiveBatches => Volatile.Read(ref _receiveBatches) + SumTallies(bytes: false);

    /// <summary>Send calls that sent at least one datagram.</summary>
    public long SendBatches => Volatile.Read(ref _sendBatches);

    /// <summary>ICMP port-unreachable reported as <see cref="SocketError.ConnectionReset"/>/refused.</summary>
    public long ConnectionResets => Volatile.Read(ref _connectionResets);

    /// <summary><see cref="SocketError.MessageSize"/>: a datagram larger than the buffer or the path.</summary>
    public long MessageSizeErrors => Volatile.Read(ref _messageSizeErrors);

    /// <summary>Every other socket error a loop survived.</summary>
    public long OtherErrors => Volatile.Read(ref _otherErrors);

    /// <summary>Datagrams dropped for <paramref name="reason"/>.</summary>
    public long Dropped(DropReason reason) => Volatile.Read(ref _dropped[(int)reason]);

    /// <summary>Datagrams dropped for any reason.</summary>
    public long DroppedTotal
    {
        get
        {
            long total = 0;
            for (var i = 0; i < DropReasonCount; i++)
            {
                total += Volatile.Read(ref _dropped[i]);
            }

            return total;
        }
    }

    /// <summary>The receive threads' own tallies: datagrams (each its own receive call, so also batches) or bytes.</summary>
    private long SumTallies(bool bytes)
    {
        long total = 0;
        foreach (var tally in Volatile.Read(ref _tallies))
        {
            total += bytes ? tally.Bytes : tally.Received;
        }

        return total;
    }

    /// <summary>A tally for one receive thread, counted in <see cref="Received"/> and its companions from now on.</summary>
    internal ReceiveTally CreateTally()
    {
        var tally = new ReceiveTally();
        while (true)
        {
            var current = Volatile.Read(ref _tallies);
            ReceiveTally[] next = [.. current, tally];
            if (Interlocked.CompareExchange(ref _tallies, next, current) == current)
            {
                return tally;
            }
        }
    }

    internal void AddReceived(int datagrams, long bytes)
    {
        if (datagrams == 0)
        {
            return;
        }

        Interlocked.Add(ref _received, datagrams);
        Interlocked.Add(ref _receivedBytes, bytes);
        Interlocked.Increment(ref _receiveBatches);
    }

    internal void AddSent(int datagrams, long bytes)
    {
        if (datagrams == 0)
        {
            return;
        }

        Interlocked.Add(ref _sent, datagrams);
        Interlocked.Add(ref _sentBytes, bytes);
        Interlocked.Increment(ref _sendBatches);
    }

    internal void AddDropped(DropReason reason, int count = 1)
    {
        if (count != 0)
        {
            Interlocked.Add(ref _dropped[(int)reason], count);
        }
    }

    /// <summary>Counts a socket error by kind; returns the running count of that kind (for log sampling).</summary>
    internal long AddError(SocketError error) => error switch
    {
        SocketError.ConnectionReset or SocketError.ConnectionRefused => Interlocked.Increment(ref _connectionResets),
        SocketError.MessageSize => Interlocked.Increment(ref _messageSizeErrors),
        _ => Interlocked.Increment(ref _otherErrors),
    };

    /// <summary>
    /// Publishes these counters as observable instruments of <paramref name="meter"/>, tagged with
    /// <paramref name="transportName"/> (e.g. <c>elara.transport.received</c>).
    /// </summary>
    public void Register(Meter meter, string transportName)
    {
        ArgumentNullException.ThrowIfNull(meter);
        var tag = new KeyValuePair<string, object?>("transport", transportName);
        meter.CreateObservableCounter("elara.transport.received", () => new Measurement<long>(Received, tag), "{datagram}");
        meter.CreateObservableCounter("elara.transport.received_bytes", () => new Measurement<long>(ReceivedBytes, tag), "By");
        meter.CreateObservableCounter("elara.transport.sent", () => new Measurement<long>(Sent, tag), "{datagram}");
        meter.CreateObservableCounter("elara.transport.sent_bytes", () => new Measurement<long>(SentBytes, tag), "By");
        meter.CreateObservableCounter("elara.transport.dropped", ObserveDrops, "{datagram}");
        meter.CreateObservableCounter("elara.transport.socket_errors", () => new Measurement<long>(ConnectionResets + MessageSizeErrors + OtherErrors, tag), "{error}");

        IEnumerable<Measurement<long>> ObserveDrops()
        {
            for (var i = 0; i < DropReasonCount; i++)
            {
                yield return new Measurement<long>(Dropped((DropReason)i), tag, new KeyValuePair<string, object?>("reason", ((DropReason)i).ToString()));
            }
        }
    }
}

/// <summary>
/// The received count of one receive thread that lands a datagram per call: written by that thread alone with
/// plain stores (no atomic add per datagram), read by anyone.
/// </summary>
internal sealed class ReceiveTally
{
    // Padding on both sides: the writer's hot line is shared with no other object's fields.
#pragma warning disable CS0169, IDE0051 // never read: they only keep other data off this cache line
    private readonly long _padBefore0, _padBefore1, _padBefore2, _padBefore3, _padBefore4, _padBefore5, _padBefore6;
    private long _received;
    private long _bytes;
    private readonly long _padAfter0, _padAfter1, _padAfter2, _padAfter3, _padAfter4, _padAfter5;
#pragma warning restore CS0169, IDE0051

    /// <summary>Datagrams landed (each its own receive call, so also the batches).</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Their bytes.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Adds one datagram of <paramref name="bytes"/>; only the owning thread calls it.</summary>
    public void Add(int bytes)
    {
        Volatile.Write(ref _bytes, _bytes + bytes);
        Volatile.Write(ref _received, _received + 1);
    }
}
