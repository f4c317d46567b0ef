using System.Net;
using BenchmarkDotNet.Attributes;
using Elara.Fast.Transport.Stun;
using Elara.Fast.Transport.Turn;

namespace Elara.Fast.Benchmarks.Transport;

/// <summary>
/// Framing relayed data for TURN: ChannelData wrap and unwrap against a bare copy of the payload
/// (the baseline), and the Send indication the same payload would need without a channel.
/// </summary>
[MemoryDiagnoser]
public class StunChannelDataBenchmarks
{
    private static readonly StunAddress Peer = StunAddress.FromIPEndPoint(IPEndPoint.Parse("192.0.2.10:7000"));
    private byte[] _payload = [];
    private byte[] _framed = [];
    private readonly byte[] _buffer = new byte[1600];

    [Params(64, 200, 1200)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[PayloadSize];
        new Random(42).NextBytes(_payload);
        _framed = new byte[ChannelData.GetMessageLength(PayloadSize, pad: true)];
        ChannelData.TryWrite(_framed, 0x4000, _payload, pad: true, out _);
    }

    [Benchmark(Baseline = true)]
    public int CopyPayload()
    {
        _payload.CopyTo(_buffer, 4);
        return _buffer[4];
    }

    [Benchmark]
    public int WrapChannelData()
    {
        ChannelData.TryWrite(_buffer, 0x4000, _payload, pad: true, out var written);
        return written;
    }

    [Benchmark]
    public int UnwrapChannelData()
    {
        ChannelData.TryRead(_framed, out var channel, out var payload);
        return channel + payload.Length;
    }

    [Benchmark]
    public int WriteSendIndication()
    {
        var writer = new StunMessageWriter(_buffer, StunMethod.Send, StunClass.Indication, default);
        writer.AddXorAddress(StunAttributeType.XorPeerAddress, Peer);
        writer.AddAttribute(StunAttributeType.Data, _payload);
        return writer.Length;
    }
}
