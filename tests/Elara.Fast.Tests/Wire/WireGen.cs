using CsCheck;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Wire;

/// <summary>A TLV extension as a plain value, for generating and comparing.</summary>
internal sealed record ExtensionModel(byte Type, byte[] Value)
{
    public override string ToString() => $"{Type:x2}:{Convert.ToHexString(Value)}";
}

/// <summary>An event block as plain values, for generating and comparing.</summary>
internal sealed record BlockModel(EventType Type, ulong State, (ulong Node, ulong Counter)[] Vector, MutationKind Kind, byte[] Value, long Delta, float Weight)
{
    public int EncodedLength => EventBlock.EncodedLength(Vector.Length, Mutation.EncodedLengthOf(Kind, Value.Length));

    public WireStatus AppendTo(ref EventBlockWriter writer)
    {
        var vv = Vector.Select(e => new VersionVectorEntry(new NodeId(e.Node), e.Counter)).ToArray();
        var mutation = Kind switch
        {
            MutationKind.Set => Mutation.Set(Value),
            MutationKind.Increment => Mutation.Increment(Delta),
            MutationKind.Append => Mutation.Append(Value),
            MutationKind.Merge => Mutation.Merge(Value),
            MutationKind.Delete => Mutation.Delete(),
            _ => Mutation.Blend(Weight, Value),
        };
        return writer.TryAppend(Type, new StateId(State), vv, mutation);
    }

    public static BlockModel Read(EventBlock block)
    {
        var vector = new (ulong, ulong)[block.VersionVector.Count];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (block.VersionVector[i].Node.Value, block.VersionVector[i].Counter);
        }

        var m = block.Mutation;
        return new BlockModel(block.EventType, block.StateId.Value, vector, m.Kind, m.Bytes.ToArray(), m.Delta, m.Weight);
    }

    public bool SameAs(BlockModel other)
        => Type == other.Type && State == other.State && Vector.SequenceEqual(other.Vector) && Kind == other.Kind
           && Value.AsSpan().SequenceEqual(other.Value) && Delta == other.Delta && BitConverter.SingleToInt32Bits(Weight) == BitConverter.SingleToInt32Bits(other.Weight);
}

/// <summary>CsCheck generators for wire structures (always valid ones; hostile input is generated elsewhere).</summary>
internal static class WireGen
{
    public static readonly Gen<FrameHeader> Header =
        Gen.Select(Gen.Int[0, 1], Gen.Byte, Gen.ULong, Gen.ULong, Gen.Int[0, 4], Gen.Byte, Gen.Int, Gen.Select(Gen.UShort, Gen.UShort))
            .Select(t => new FrameHeader(0, (CryptoSuite)t.Item1, (FrameFlags)(t.Item2 & 0x5F), 30, new SessionId(t.Item3),
                new NodeId(t.Item4), (PacketClass)t.Item5, (RepresentationProfile)t.Item6, t.Item7, t.Item8.Item1, t.Item8.Item2));

    private static readonly byte[] FixedTypes = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A];

    private static Gen<ExtensionModel> Fixed(byte type) => type switch
    {
        0x03 => Gen.Byte[0, 4].Select(b => new ExtensionModel(type, [b])),
        0x08 => Gen.UShort[1, ushort.MaxValue].SelectMany(total => Gen.UShort[0, (ushort)(total - 1)].Select(index =>
            new ExtensionModel(type, [(byte)index, (byte)(index >> 8), (byte)total, (byte)(total >> 8)]))),
        _ => Gen.Byte.Array[ExtensionReader.FixedLength((ExtensionType)type)].Select(v => new ExtensionModel(type, v)),
    };

    private static readonly Gen<ExtensionModel> Variable =
        Gen.Select(Gen.OneOf(Gen.Const((byte)0x0B), Gen.Byte[0x0C, 0xFE], Gen.Const((byte)0x00)), Gen.Byte.Array[0, 24])
            .Select((type, value) => new ExtensionModel(type, value));

    /// <summary>A valid extension list: distinct fixed-size types, any number of variable ones, shuffled; End or not.</summary>
    public static readonly Gen<(ExtensionModel[] Extensions, bool End)> Extensions =
        Gen.Select(
                Gen.Int[0, 1023].SelectMany(mask =>
                {
                    var chosen = FixedTypes.Where((_, i) => (mask & (1 << i)) != 0).Select(Fixed).ToArray();
                    return chosen.Length == 0 ? Gen.Const(Array.Empty<ExtensionModel>()) : SelectAll(chosen);
                }),
                Variable.Array[0, 4],
                Gen.Bool,
                Gen.Int)
            .Select((fixedOnes, variable, end, seed) =>
            {
                var all = fixedOnes.Concat(variable).ToArray();
                new Random(seed).Shuffle(all);
                return (all, end);
            });

    private static Gen<ExtensionModel[]> SelectAll(Gen<ExtensionModel>[] gens)
    {
        var result = gens[0].Select(x => new[] { x });
        for (var i = 1; i < gens.Length; i++)
        {
            var next = gens[i];
            result = result.SelectMany(list => next.Select(x => list.Append(x).ToArray()));
        }

        return result;
    }

    private static readonly EventType[] Types = Enum.GetValues<EventType>();

    private static readonly Gen<(ulong, ulong)[]> Vector =
        Gen.Select(Gen.ULong, Gen.ULong).Array[0, 6].Select(entries =>
            entries.DistinctBy(e => e.Item1).OrderBy(e => e.Item1).ToArray());

    public static readonly Gen<BlockModel> Block =
        Gen.Select(Gen.OneOfConst(Types), Gen.ULong, Vector, Gen.Int[1, 6], Gen.Byte.Array[0, 80], Gen.Long, Gen.Float)
            .Select((type, state, vv, kind, value, delta, weight) =>
            {
                var k = (MutationKind)kind;
                var w = float.IsFinite(weight) ? weight : 0.25f;
                return k switch
                {
                    MutationKind.Increment => new BlockModel(type, state, vv, k, [], delta, 0),
                    MutationKind.Delete => new BlockModel(type, state, vv, k, [], 0, 0),
                    MutationKind.Blend => new BlockModel(type, state, vv, k, value, 0, w),
                    _ => new BlockModel(type, state, vv, k, value, 0, 0),
                };
            });

    public static readonly Gen<BlockModel[]> Blocks = Block.Array[1, 8];

    public static int Write(Span<byte> area, ExtensionModel[] extensions, bool end)
    {
        var writer = new ExtensionWriter(area);
        foreach (var e in extensions)
        {
            Assert.True(writer.TryWrite((ExtensionType)e.Type, e.Value));
        }

        if (end)
        {
            Assert.True(writer.TryWriteEnd());
        }

        return writer.BytesWritten;
    }
}
