using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Elara.Fast.Transport;

namespace Elara.Fast.Benchmarks.Transport;

/// <summary>
/// Capturing a received datagram's sender, per datagram, with four senders taking turns (so the address changes
/// every time): what <see cref="SocketAsyncEventArgs"/> does with an <see cref="IPEndPoint"/> as its RemoteEndPoint
/// (<c>IPEndPoint.Create</c>: a new endpoint and address), against the portable path's reused
/// <see cref="SocketAddressEndPoint"/> and the ring entry's inline <see cref="RawSocketAddress"/> copy.
/// </summary>
[MemoryDiagnoser]
public class SourceAddressBenchmarks
{
    private readonly SocketAddress[] _received = new SocketAddress[4];
    private readonly IPEndPoint _template = new(IPAddress.IPv6Any, 0);
    private readonly SocketAddressEndPoint _reused = new(AddressFamily.InterNetworkV6);
    private RawSocketAddress _entry;
    private int _next;

    [Params(AddressFamily.InterNetwork, AddressFamily.InterNetworkV6)]
    public AddressFamily Family { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < _received.Length; i++)
        {
            var address = Family == AddressFamily.InterNetwork ? IPAddress.Parse($"10.0.0.{i + 1}").MapToIPv6() : IPAddress.Parse($"2001:db8::{i + 1}");
            _received[i] = new IPEndPoint(address, 5000 + i).Serialize();
        }
    }

    [Benchmark(Baseline = true, Description = "IPEndPoint.Create (SAEA default)")]
    public EndPoint IPEndPointCreate() => _template.Create(_received[_next++ & 3]);

    [Benchmark(Description = "reused SocketAddressEndPoint")]
    public EndPoint ReusedEndPoint() => _reused.Create(_received[_next++ & 3]);

    [Benchmark(Description = "RawSocketAddress.CopyFrom (ring entry)")]
    public int RawCopy()
    {
        _entry.CopyFrom(_received[_next++ & 3]);
        return _entry.Length;
    }
}
