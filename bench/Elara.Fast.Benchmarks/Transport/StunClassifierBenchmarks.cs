using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Elara.Fast.Transport;

namespace Elara.Fast.Benchmarks.Transport;

/// <summary>
/// Demultiplexing a batch of 64 datagrams (ELARA frames, STUN messages, ChannelData, junk) as ingress
/// would. Baseline: reading byte 0 of each, the least any demultiplexer must touch.
/// </summary>
[MemoryDiagnoser]
public class StunClassifierBenchmarks
{
    private const int BatchSize = 64;
    private readonly byte[][] _batch = new byte[BatchSize][];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        for (var i = 0; i < BatchSize; i++)
        {
            byte[] datagram;
            switch (i % 4)
            {
                case 0:
                case 1:
                    datagram = new byte[200];           // ELARA v0, suite 0 or 1
                    random.NextBytes(datagram);
                    datagram[0] = (byte)(i & 1);
                    break;
                case 2:
                    datagram = new byte[100];           // STUN, length 80
                    random.NextBytes(datagram);
                    datagram[0] = 0x01;
                    datagram[1] = 0x01;
                    BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), 80);
                    BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(4), 0x2112A442);
                    break;
                default:
                    datagram = new byte[204];           // ChannelData, 200 bytes
                    random.NextBytes(datagram);
                    BinaryPrimitives.WriteUInt16BigEndian(datagram, 0x4000);
                    BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), 200);
                    break;
            }

            _batch[i] = datagram;
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BatchSize)]
    public int ReadFirstByte()
    {
        var sum = 0;
        foreach (var datagram in _batch)
        {
            sum += datagram[0];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int Classify()
    {
        var sum = 0;
        foreach (var datagram in _batch)
        {
            sum += (int)DatagramClassifier.Classify(datagram);
        }

        return sum;
    }
}
