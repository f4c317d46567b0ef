using System.Security.Cryptography;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Crypto;

/// <summary>Two identities, a fake clock, a responder, and helpers to build hostile initiations by hand.</summary>
internal sealed class HandshakeTestKit : IDisposable
{
    public static readonly SessionId Session = new(0x0123_4567_89AB_CDEF);
    public static readonly byte[] AliceAddress = [127, 0, 0, 1, 0x30, 0x39];

    public HandshakeTestKit(HandshakeOptions? options = null)
    {
        Options = (options ?? new HandshakeOptions()) with { TimeProvider = Time };
        Responder = new HandshakeResponder(Bob, Options);
    }

    public FakeTimeProvider Time { get; } = new();

    public HandshakeOptions Options { get; }

    public NodeIdentity Alice { get; } = NodeIdentity.Generate();

    public NodeIdentity Bob { get; } = NodeIdentity.Generate();

    public HandshakeResponder Responder { get; }

    public List<byte[]> Sent { get; } = [];

    public HandshakeInitiator Initiator(HandshakePattern pattern, NodeIdentity? identity = null, List<byte[]>? sent = null, NodeId? expected = null)
        => new(
            identity ?? Alice,
            pattern,
            Session,
            pattern == HandshakePattern.IK ? Bob.NoiseStaticPublicKey : [],
            (sent ?? Sent).Add,
            Options,
            expected);

    /// <summary>
    /// An IK initiation built by hand: <paramref name="payload"/> in place of the identity and timestamp, any node
    /// id in the header, valid mac1. What an attacker who knows Bob's static key can send.
    /// </summary>
    public byte[] HandBuiltIKInitiation(NodeIdentity sender, ReadOnlySpan<byte> payload, NodeId headerSender)
    {
        Span<byte> prologue = stackalloc byte[HandshakeFrame.PrologueLength];
        HandshakeFrame.WritePrologue(prologue, Session, HandshakePattern.IK);
        using var state = new NoiseHandshakeState(NoisePattern.IK, true, prologue, sender.NoiseStatic, null, Bob.NoiseStaticPublicKey);
        var frame = new byte[HandshakeFrame.ExpectedLength(HandshakeMessageType.Initiation, HandshakePattern.IK)];
        HandshakeFrame.WriteHeader(frame, HandshakeMessageType.Initiation, HandshakePattern.IK, Session, headerSender, 7, 0);
        Assert.Equal(NoiseStatus.Ok, state.WriteMessage(payload, frame.AsSpan(HandshakeFrame.BodyOffset, frame.Length - HandshakeFrame.BodyOffset - 32), out _));
        new CookieJar(HandshakePattern.IK, Bob.NoiseStaticPublicKey, Time).WriteMacs(frame);
        return frame;
    }

    /// <summary>An identity payload (and timestamp) as a genuine initiator writes it.</summary>
    public byte[] IdentityPayload(NodeIdentity identity, bool withTimestamp)
    {
        var payload = new byte[withTimestamp ? HandshakePayload.IKInitiationPayloadLength : HandshakePayload.IdentityLength];
        HandshakePayload.WriteIdentity(payload, identity);
        if (withTimestamp)
        {
            HandshakeTimestamp.Write(payload.AsSpan(HandshakePayload.IdentityLength), Time);
        }

        return payload;
    }

    /// <summary>Recomputes mac1 (and clears mac2) after a test altered an initiation, so the Noise layer sees the damage.</summary>
    public void RemacInitiation(byte[] frame, HandshakePattern pattern)
        => new CookieJar(pattern, pattern == HandshakePattern.IK ? Bob.NoiseStaticPublicKey : [], Time).WriteMacs(frame);

    /// <summary>Random source addresses (IPv4 and port), for spoofed floods.</summary>
    public static byte[] RandomAddress(Random random)
    {
        var address = new byte[6];
        random.NextBytes(address);
        return address;
    }

    public static bool SameBytes(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);

    public void Dispose()
    {
        Responder.Dispose();
        Alice.Dispose();
        Bob.Dispose();
    }
}
