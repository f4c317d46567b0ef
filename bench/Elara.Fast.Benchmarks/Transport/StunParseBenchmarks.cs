using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Elara.Fast.Transport.Stun;

namespace Elara.Fast.Benchmarks.Transport;

/// <summary>
/// Parsing and verifying the RFC 5769 §2.2 Binding response (80 bytes: SOFTWARE, XOR-MAPPED-ADDRESS,
/// MESSAGE-INTEGRITY, FINGERPRINT). Baseline: the bare HMAC-SHA1 over the same 56 bytes, the floor
/// any integrity check pays.
/// </summary>
[MemoryDiagnoser]
public class StunParseBenchmarks
{
    // RFC 5769 §2.2, as in ../shared/vectors/stun-rfc5769.json.
    private static readonly byte[] Response = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96");

    private static readonly byte[] Password = Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt");
    private readonly byte[] _mac = new byte[20];

    [Benchmark(Baseline = true)]
    public int BareHmacSha1()
    {
#pragma warning disable CA5350
        HMACSHA1.HashData(Password, Response.AsSpan(0, 56), _mac);
#pragma warning restore CA5350
        return _mac[0];
    }

    [Benchmark]
    public int ParseAndReadAddress()
    {
        StunMessageReader.TryParse(Response, out var reader, out _);
        reader.TryGetXorMappedAddress(out var address);
        return address.Port;
    }

    [Benchmark]
    public int ParseVerifyIntegrity()
    {
        StunMessageReader.TryParse(Response, out var reader, out _);
        return (int)reader.VerifyMessageIntegrity(Password);
    }

    [Benchmark]
    public int ParseVerifyIntegrityAndFingerprint()
    {
        StunMessageReader.TryParse(Response, out var reader, out _);
        reader.TryGetXorMappedAddress(out var address);
        return (int)reader.VerifyMessageIntegrity(Password) + (int)reader.VerifyFingerprint() + address.Port;
    }
}
