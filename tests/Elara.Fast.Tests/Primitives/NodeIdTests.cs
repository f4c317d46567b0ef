using System.Security.Cryptography;
using Elara.Fast.Primitives;

namespace Elara.Fast.Tests.Primitives;

public sealed class NodeIdTests
{
    [Fact]
    public void FromPublicKey_is_the_first_eight_bytes_of_sha256_little_endian()
    {
        var key = new byte[32];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(i * 7 + 1);
        }

        var hash = SHA256.HashData(key);
        ulong expected = 0;
        for (var i = 7; i >= 0; i--)
        {
            expected = (expected << 8) | hash[i];
        }

        Assert.Equal(expected, NodeId.FromPublicKey(key).Value);
    }

    [Fact]
    public void FromPublicKey_refuses_a_key_of_the_wrong_length()
    {
        Assert.Throws<ArgumentException>(() => NodeId.FromPublicKey(new byte[31]));
    }

    [Fact]
    public void Generate_never_returns_zero_and_differs_between_calls()
    {
        var seen = new HashSet<ulong>();
        for (var i = 0; i < 1000; i++)
        {
            var id = NodeId.Generate();
            Assert.NotEqual(0UL, id.Value);
            seen.Add(id.Value);
        }

        Assert.Equal(1000, seen.Count);
    }

    [Fact]
    public void Ids_print_as_padded_hex()
    {
        Assert.Equal("00000000000000ff", new NodeId(255).ToString());
        Assert.Equal("000000000000abcd", new SessionId(0xabcd).ToString());
        Assert.Equal("0000002a", new StreamId(42).ToString());
        Assert.Equal("id=0000000000000010", $"id={new NodeId(0x10)}");
    }
}
