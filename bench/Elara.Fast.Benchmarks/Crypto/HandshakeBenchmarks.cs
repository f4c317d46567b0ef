using BenchmarkDotNet.Attributes;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;

namespace Elara.Fast.Benchmarks.Crypto;

/// <summary>
/// Full handshakes, both sides in one thread (ops/s = handshakes per second per core), and what a responder
/// under load saves: a stateless cookie reply against answering an initiation with Diffie-Hellman. Baseline:
/// the responder answering an XX initiation (two X25519 plus the Noise bookkeeping), the work a spoofed
/// initiation costs when the responder is not under load.
/// </summary>
[MemoryDiagnoser]
public class HandshakeBenchmarks
{
    private static readonly SessionId Session = new(42);
    private static readonly byte[] Source = [127, 0, 0, 1, 0x30, 0x39];

    private readonly List<byte[]> _sent = [];
    private NodeIdentity _alice = null!;
    private NodeIdentity _bob = null!;
    private HandshakeResponder _responder = null!;
    private HandshakeResponder _loadedResponder = null!;
    private HandshakeOptions _options = null!;
    private byte[] _xxInitiation = [];
    private byte[] _ikInitiation = [];
    private NoiseKeyPair _dhLocal = null!;
    private byte[] _dhRemote = [];

    [GlobalSetup]
    public void Setup()
    {
        _alice = NodeIdentity.Generate();
        _bob = NodeIdentity.Generate();

        // Never under load: every initiation is served with DH (the benchmark measures that work).
        _options = new HandshakeOptions
        {
            InitiationBurst = int.MaxValue / 2,
            InitiationsPerSecond = 1e9,
            InitiationBurstPerSource = int.MaxValue / 2,
            InitiationsPerSecondPerSource = 1e9,
            HalfOpenCapacity = 256,
            CookieThreshold = 257,
        };
        _responder = new HandshakeResponder(_bob, _options);

        // Always under load: every initiation without mac2 gets a cookie reply.
        _loadedResponder = new HandshakeResponder(_bob, new HandshakeOptions { CookieThreshold = 0 });

        _xxInitiation = FirstInitiation(HandshakePattern.XX);
        _ikInitiation = FirstInitiation(HandshakePattern.IK);
        _dhLocal = NoiseKeyPair.Generate();
        using var remote = NoiseKeyPair.Generate();
        _dhRemote = remote.PublicKey.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _responder.Dispose();
        _loadedResponder.Dispose();
        _alice.Dispose();
        _bob.Dispose();
        _dhLocal.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Responder: answer XX initiation (2 DH)")]
    public int ResponderAnswersWithDiffieHellman()
        => _responder.Receive(Source, _xxInitiation).Reply!.Length;

    [Benchmark(Description = "Responder under load: cookie reply (0 DH)")]
    public int ResponderAnswersWithCookie()
        => _loadedResponder.Receive(Source, _ikInitiation).Reply!.Length;

    [Benchmark(Description = "One X25519 (libsodium, as the handshake does it)")]
    public bool OneDiffieHellman()
    {
        Span<byte> shared = stackalloc byte[32];
        return _dhLocal.TryAgree(_dhRemote, shared);
    }

    [Benchmark(Description = "One X25519 through NSec objects")]
    public bool OneDiffieHellmanNSec()
    {
        using var local = NSec.Cryptography.Key.Create(NSec.Cryptography.KeyAgreementAlgorithm.X25519);
        var remote = NSec.Cryptography.PublicKey.Import(NSec.Cryptography.KeyAgreementAlgorithm.X25519, _dhRemote, NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        using var shared = NSec.Cryptography.KeyAgreementAlgorithm.X25519.Agree(local, remote);
        return shared is not null;
    }

    [Benchmark(Description = "Import one ChaCha key (NSec)")]
    public bool ImportNSecKey()
    {
        using var key = NSec.Cryptography.Key.Import(NSec.Cryptography.AeadAlgorithm.ChaCha20Poly1305, _dhRemote, NSec.Cryptography.KeyBlobFormat.RawSymmetricKey);
        return key.Size > 0;
    }

    [Benchmark(Description = "Create one ChaCha20Poly1305 (BCL)")]
    public bool CreateBclCipher()
    {
        using var cipher = new System.Security.Cryptography.ChaCha20Poly1305(_dhRemote);
        return cipher is not null;
    }

    [Benchmark(Description = "Full IK handshake, both sides")]
    public bool FullIK()
    {
        _sent.Clear();
        using var initiator = new HandshakeInitiator(_alice, HandshakePattern.IK, Session, _bob.NoiseStaticPublicKey, _sent.Add, _options);
        initiator.Start();
        var response = _responder.Receive(Source, _sent[0]);
        initiator.Receive(response.Reply);
        response.Result!.Dispose();
        initiator.Result!.Dispose();
        return initiator.State == HandshakeInitiatorState.Completed;
    }

    [Benchmark(Description = "Full XX handshake, both sides")]
    public bool FullXX()
    {
        _sent.Clear();
        using var initiator = new HandshakeInitiator(_alice, HandshakePattern.XX, Session, [], _sent.Add, _options);
        initiator.Start();
        initiator.Receive(_responder.Receive(Source, _sent[0]).Reply);
        using var result = _responder.Receive(Source, _sent[1]).Result!;
        initiator.Result!.Dispose();
        return initiator.State == HandshakeInitiatorState.Completed;
    }

    private byte[] FirstInitiation(HandshakePattern pattern)
    {
        var sent = new List<byte[]>();
        using var initiator = new HandshakeInitiator(
            _alice, pattern, Session, pattern == HandshakePattern.IK ? _bob.NoiseStaticPublicKey : [], sent.Add, _options);
        initiator.Start();
        return sent[0];
    }
}
