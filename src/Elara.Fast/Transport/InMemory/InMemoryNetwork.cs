using System.Buffers;
using System.Net;
using Elara.Fast.Primitives;

namespace Elara.Fast.Transport.InMemory;

/// <summary>
/// Several datagram endpoints in one process, joined by links with seeded impairment
/// (<see cref="NetworkImpairment"/>). What multi-node tests run over instead of sockets.
/// </summary>
/// <remarks>
/// <para>Every datagram gets its delivery time when it is sent and waits in a priority queue ordered by
/// (delivery time, send order); a <see cref="TimeProvider"/> timer fires at the earliest one. With a
/// <c>FakeTimeProvider</c> a test advances time and the due datagrams are delivered synchronously, in order.
/// The same seed and the same sends give the same delivery sequence; a constant delay never reorders.</para>
/// <para>Bounded: at most <see cref="MaxQueuedDatagrams"/> datagrams in flight; past that a send is dropped and
/// counted (<see cref="QueueOverflows"/>). Payloads are copied into <see cref="ArrayPool{T}"/> buffers, returned
/// on delivery. One lock serialises the network: it is test infrastructure, its hot path is not measured.</para>
/// </remarks>
public sealed class InMemoryNetwork : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ITimer _timer;
    private readonly PriorityQueue<Delivery, DeliveryOrder> _queue = new();
    private readonly Dictionary<RawSocketAddress, InMemoryTransport> _endpoints = [];
    private readonly Dictionary<(RawSocketAddress From, RawSocketAddress To), LinkState> _links = [];
    private readonly Dictionary<(RawSocketAddress From, RawSocketAddress To), NetworkImpairment> _linkImpairments = [];
    private NetworkImpairment _defaultImpairment = NetworkImpairment.None;
    private long _sendOrder;
    private long _scheduledDue = long.MaxValue;
    private int _nextPort = 40000;
    private bool _disposed;
    private long _lost;
    private long _duplicated;
    private long _queueOverflows;
    private long _unreachable;

    /// <summary>Creates a network whose impairment draws from <paramref name="seed"/>.</summary>
    /// <param name="seed">Seed of every random choice: the same seed and sends give the same deliveries.</param>
    /// <param name="time">The clock (a <c>FakeTimeProvider</c> in tests); <see cref="TimeProvider.System"/> by default.</param>
    public InMemoryNetwork(int seed, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _random = new Random(seed);
        _timer = _time.CreateTimer(static state => ((InMemoryNetwork)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Most datagrams in flight at once; further sends are dropped and counted.</summary>
    public int MaxQueuedDatagrams { get; init; } = 1 << 17;

    /// <summary>Datagrams lost to impairment (Bernoulli or burst loss).</summary>
    public long Lost => Volatile.Read(ref _lost);

    /// <summary>Extra copies delivered by duplication.</summary>
    public long Duplicated => Volatile.Read(ref _duplicated);

    /// <summary>Datagrams dropped because a bandwidth queue or the whole network was full.</summary>
    public long QueueOverflows => Volatile.Read(ref _queueOverflows);

    /// <summary>Datagrams addressed to no endpoint (or one closed before delivery).</summary>
    public long Unreachable => Volatile.Read(ref _unreachable);

    /// <summary>Datagrams waiting for their delivery time.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>The impairment of every link that has none of its own.</summary>
    public NetworkImpairment DefaultImpairment
    {
        get
        {
            lock (_gate)
            {
                return _defaultImpairment;
            }
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            lock (_gate)
            {
                _defaultImpairment = value;
            }
        }
    }

    /// <summary>Sets the impairment of the one-way link from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void SetLink(IPEndPoint from, IPEndPoint to, NetworkImpairment impairment)
    {
        ArgumentNullException.ThrowIfNull(impairment);
        impairment.Validate();
        var key = (RawSocketAddress.FromEndPoint(from), RawSocketAddress.FromEndPoint(to));
        lock (_gate)
        {
            _linkImpairments[key] = impairment;
        }
    }

    /// <summary>Creates an endpoint at <paramref name="address"/> (or 127.0.0.1 and the next free port).</summary>
    public InMemoryTransport CreateEndpoint(IPEndPoint? address = null, int maxDatagramSize = 65507)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            address ??= new IPEndPoint(IPAddress.Loopback, _nextPort++);
            var raw = RawSocketAddress.FromEndPoint(address);
            if (_endpoints.ContainsKey(raw))
            {
                ThrowHelper.ThrowInvalidOperation($"The address {address} is already in use.");
            }

            var endpoint = new InMemoryTransport(this, address, raw, maxDatagramSize);
            _endpoints.Add(raw, endpoint);
            return endpoint;
        }
    }

    /// <summary>Delivers every datagram whose time has come (the timer does this on its own).</summary>
    /// <returns>How many datagrams were delivered or dropped at their destination.</returns>
    public int DeliverDue()
    {
        lock (_gate)
        {
            var delivered = DeliverDueLocked(_time.GetTimestamp());
            ScheduleLocked();
            return delivered;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
            while (_queue.TryDequeue(out var delivery, out _))
            {
                ArrayPool<byte>.Shared.Return(delivery.Buffer);
            }

            _endpoints.Clear();
        }
    }

    internal void Remove(InMemoryTransport endpoint)
    {
        lock (_gate)
        {
            if (_endpoints.TryGetValue(endpoint.RawAddress, out var current) && ReferenceEquals(current, endpoint))
            {
                _endpoints.Remove(endpoint.RawAddress);
            }
        }
    }

    internal void Send(InMemoryTransport source, ReadOnlySpan<OutboundDatagram> datagrams)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetTimestamp();
            foreach (ref readonly var datagram in datagrams)
            {
                EnqueueLocked(source.RawAddress, datagram, now);
            }

            // A zero-delay link delivers within the send, so a network without delay needs no clock at all.
            DeliverDueLocked(now);
            ScheduleLocked();
        }
    }

    private void EnqueueLocked(RawSocketAddress from, in OutboundDatagram datagram, long now)
    {
        var key = (from, datagram.Destination);
        if (!_linkImpairments.TryGetValue(key, out var impairment))
        {
            impairment = _defaultImpairment;
        }

        if (!_links.TryGetValue(key, out var link))
        {
            link = new LinkState();
            _links.Add(key, link);
        }

        if (IsLost(impairment, link))
        {
            _lost++;
            return;
        }

        var departure = now;
        if (impairment.BandwidthBytesPerSecond > 0)
        {
            // Serialisation behind the datagrams already on the link: a FIFO bottleneck, tail drop past MaxQueueDelay.
            var start = Math.Max(now, link.BusyUntil);
            if (start - now > ToTimestamp(impairment.MaxQueueDelay))
            {
                _queueOverflows++;
                return;
            }

            departure = start + (long)((Int128)datagram.Payload.Length * _time.TimestampFrequency / impairment.BandwidthBytesPerSecond);
            link.BusyUntil = departure;
        }

        var copies = _random.NextDouble() < impairment.DuplicateProbability ? 2 : 1;
        for (var copy = 0; copy < copies; copy++)
        {
            if (_queue.Count >= MaxQueuedDatagrams)
            {
                _queueOverflows++;
                return;
            }

            var due = departure + ToTimestamp(impairment.Delay);
            if (impairment.Jitter > TimeSpan.Zero)
            {
                due += (long)(_random.NextDouble() * ToTimestamp(impairment.Jitter));
            }

            if (impairment.ReorderProbability > 0 && _random.NextDouble() < impairment.ReorderProbability)
            {
                due += ToTimestamp(impairment.ReorderDelay);
            }

            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(datagram.Payload.Length, 1));
            datagram.Payload.Span.CopyTo(buffer);
            _queue.Enqueue(new Delivery(buffer, datagram.Payload.Length, from, datagram.Destination), new DeliveryOrder(due, _sendOrder++));
            if (copy == 1)
            {
                _duplicated++;
            }
        }
    }

    private bool IsLost(NetworkImpairment impairment, LinkState link)
    {
        var lost = impairment.LossProbability > 0 && _random.NextDouble() < impairment.LossProbability;
        if (impairment.BurstLoss is { } burst)
        {
            // Transition first, then lose with the new state's probability (Gilbert 1960, Elliott 1963).
            var flip = _random.NextDouble();
            link.Bad = link.Bad ? flip >= burst.BadToGood : flip < burst.GoodToBad;
            var loss = link.Bad ? burst.LossInBad : burst.LossInGood;
            lost |= loss > 0 && _random.NextDouble() < loss;
        }

        return lost;
    }

    private int DeliverDueLocked(long now)
    {
        var delivered = 0;
        while (_queue.TryPeek(out _, out var order) && order.Due <= now)
        {
            var delivery = _queue.Dequeue();
            if (_endpoints.TryGetValue(delivery.Destination, out var endpoint))
            {
                endpoint.Deliver(delivery.Buffer.AsSpan(0, delivery.Length), delivery.Source, now);
            }
            else
            {
                _unreachable++;
            }

            ArrayPool<byte>.Shared.Return(delivery.Buffer);
            delivered++;
        }

        return delivered;
    }

    private void ScheduleLocked()
    {
        if (_disposed)
        {
            return;
        }

        if (!_queue.TryPeek(out _, out var next))
        {
            _scheduledDue = long.MaxValue;
            return;
        }

        if (next.Due == _scheduledDue)
        {
            return;
        }

        _scheduledDue = next.Due;
        var wait = _time.GetElapsedTime(_time.GetTimestamp(), next.Due);
        _timer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _scheduledDue = long.MaxValue;
            DeliverDueLocked(_time.GetTimestamp());
            ScheduleLocked();
        }
    }

    private long ToTimestamp(TimeSpan span) => (long)((Int128)span.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private sealed class LinkState
    {
        public long BusyUntil;
        public bool Bad;
    }

    private readonly record struct Delivery(byte[] Buffer, int Length, RawSocketAddress Source, RawSocketAddress Destination);

    /// <summary>Delivery time first, then send order: the tiebreak that keeps a constant delay in order.</summary>
    private readonly record struct DeliveryOrder(long Due, long Sequence) : IComparable<DeliveryOrder>
    {
        public int CompareTo(DeliveryOrder other)
        {
            var byDue = Due.CompareTo(other.Due);
            return byDue != 0 ? byDue : Sequence.CompareTo(other.Sequence);
        }
    }
}
