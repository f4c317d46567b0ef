using BenchmarkDotNet.Attributes;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;

namespace Elara.Fast.Benchmarks.Crypto;

/// <summary>
/// Which library seals and opens a frame body fastest in place: NSec (libsodium) ChaCha20-Poly1305 is the
/// baseline, against the BCL's ChaCha20Poly1305 (OpenSSL) and AesGcm (suite 1). One seal + one open per op,
/// on the same buffer, through the engine's <see cref="IFrameAead"/> wrappers (they add no work over the
/// library call: a span adjacency check for NSec, a try/catch frame for the BCL).
/// </summary>
[MemoryDiagnoser]
public class AeadLibraryBenchmarks
{
    private readonly byte[] _nonce = new byte[FrameAeadConstants.NonceLength];
    private readonly byte[] _aad = new byte[30];
    private byte[] _buffer = [];
    private IFrameAead _nsec = null!;
    private IFrameAead _bcl = null!;
    private IFrameAead _aesGcm = null!;

    [Params(64, 200, 1200)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var key = new byte[FrameAeadConstants.KeyLength];
        Random.Shared.NextBytes(key);
        _nsec = FrameAeadFactory.Create(CryptoSuite.ChaCha20Poly1305, key, ChaChaImplementation.NSec);
        _bcl = FrameAeadFactory.Create(CryptoSuite.ChaCha20Poly1305, key, ChaChaImplementation.Bcl);
        _aesGcm = FrameAeadFactory.Create(CryptoSuite.Aes256Gcm, key);
        _buffer = new byte[PayloadSize + FrameAeadConstants.TagLength];
        Random.Shared.NextBytes(_buffer);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _nsec.Dispose();
        _bcl.Dispose();
        _aesGcm.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool NSecChaCha20Poly1305() => SealOpen(_nsec);

    [Benchmark]
    public bool BclChaCha20Poly1305() => SealOpen(_bcl);

    [Benchmark]
    public bool BclAesGcm() => SealOpen(_aesGcm);

    private bool SealOpen(IFrameAead aead)
    {
        var payload = _buffer.AsSpan(0, PayloadSize);
        var tag = _buffer.AsSpan(PayloadSize, FrameAeadConstants.TagLength);
        aead.Seal(_nonce, _aad, payload, tag);
        return aead.TryOpen(_nonce, _aad, payload, tag);
    }
}
