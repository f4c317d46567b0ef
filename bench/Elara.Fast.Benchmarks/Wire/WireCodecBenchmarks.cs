using BenchmarkDotNet.Attributes;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Benchmarks.Wire;

/// <summary>
/// The wire codec's hot paths over the example frame of docs/wire-protocol.md (148 bytes: header, two
/// extensions and End, three event blocks, tag). Every row must allocate 0 B.
/// Run: dotnet run -c Release --project bench/Elara.Fast.Benchmarks -- --filter '*WireCodec*' --job short
/// </summary>
[MemoryDiagnoser]
public class WireCodecBenchmarks
{
    private byte[] _frame = [];
    private byte[] _writeBuffer = [];
    private byte[] _payload = [];
    private FrameHeader _header;
    private VersionVectorEntry[] _vector = [];

    [GlobalSetup]
    public void Setup()
    {
        _frame = Convert.FromHexString(
            "003026008877665544332211efcdab89674523010000dc05000001002a0004010109020200ff0110000000000000001000efcdab8967452301" +
            "0100000000000000080001050068656c6c6f0211000000000000001000efcdab896745230102000000000000000900020500000000000000801200" +
            "0000000000000000060003030068692100000000000000000000000000000000");
        _payload = _frame[38..132];
        _writeBuffer = new byte[FrameLayout.MaxFrame];
        _header = new FrameHeader(0, CryptoSuite.ChaCha20Poly1305, FrameFlags.Priority | FrameFlags.Extension, 38,
            new SessionId(0x1122334455667788), new NodeId(0x0123456789ABCDEF), PacketClass.Core, RepresentationProfile.Textual, 1500, 1, 42);
        _vector = [new(new NodeId(0x0123456789ABCDEF), 1)];
    }

    /// <summary>Validate the fixed header and read every field.</summary>
    [Benchmark(Baseline = true)]
    public ulong HeaderRead()
    {
        if (!FrameHeaderReader.TryRead(_frame, out var h, out _))
        {
            return 0;
        }

        return h.SessionId.Value ^ h.NodeId.Value ^ h.Counter ^ (uint)h.TimeHint ^ (byte)h.Flags ^ (byte)h.PacketClass
            ^ (byte)h.Profile ^ (byte)h.Suite ^ (uint)h.HeaderLength;
    }

    /// <summary>Write all eleven fields of the fixed header.</summary>
    [Benchmark]
    public int HeaderWrite()
    {
        FrameHeaderWriter.TryWrite(_writeBuffer, _header);
        return _writeBuffer[29];
    }

    /// <summary>Walk and validate the extension area (RelayHop, PathId, End) and read the typed values.</summary>
    [Benchmark]
    public int ExtensionEnumeration()
    {
        var reader = new ExtensionReader(_frame.AsSpan(30, 8));
        var sum = 0;
        while (reader.MoveNext())
        {
            var e = reader.Current;
            sum += e.Type == ExtensionType.PathId ? e.PathId : e.Value.Length;
        }

        return sum;
    }

    /// <summary>Validate and walk the three event blocks, touching type, state, version vector and mutation.</summary>
    [Benchmark]
    public ulong DecodeThreeBlockPayload()
    {
        ulong sum = 0;
        foreach (var block in new EventBlockReader(_payload))
        {
            sum += block.StateId.Value + (byte)block.EventType + (ulong)block.Mutation.Bytes.Length + (ulong)block.Mutation.Delta;
            foreach (var entry in block.VersionVector)
            {
                sum += entry.Counter;
            }
        }

        return sum;
    }

    /// <summary>The receive path's whole-frame check: header and every extension, AAD/ciphertext/tag split.</summary>
    [Benchmark]
    public int FrameLayoutParse()
    {
        if (!FrameLayout.TryParse(_frame, out var layout, out _))
        {
            return 0;
        }

        return layout.Aad.Length + layout.Ciphertext.Length + layout.Tag.Length;
    }

    /// <summary>Write the three blocks of the example payload with capacity checks.</summary>
    [Benchmark]
    public int EncodeThreeBlockPayload()
    {
        var writer = new EventBlockWriter(_writeBuffer.AsSpan(38, 94));
        writer.TryAppend(EventType.StateCreate, new StateId(0x10), _vector, Mutation.Set("hello"u8));
        writer.TryAppend(EventType.StateUpdate, new StateId(0x11), _vector, Mutation.Increment(5));
        writer.TryAppend(EventType.TextAppend, new StateId(0x12), default, Mutation.Append("hi!"u8));
        return writer.BytesWritten;
    }
}
