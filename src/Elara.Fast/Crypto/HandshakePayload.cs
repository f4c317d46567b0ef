using System.Buffers.Binary;

namespace Elara.Fast.Crypto;

/// <summary>
/// The payloads ELARA puts in Noise messages. The message that carries (or, for IK's responder, answers for) a
/// static key carries the identity: the Ed25519 public key (32) and its signature over the static key (64,
/// <see cref="NodeIdentity.VerifyStaticKey"/>). The IK initiation adds a 12-byte TAI64N timestamp, which the
/// responder requires to grow per peer (replay protection, as WireGuard's initiation). The XX initiation carries
/// 128 zero bytes of padding so it is as long as the response: a spoofed initiation gains no amplification.
/// </summary>
internal static class HandshakePayload
{
    public const int IdentityLength = NodeIdentity.PublicKeyLength + NodeIdentity.SignatureLength;
    public const int TimestampLength = 12;
    public const int IKInitiationPayloadLength = IdentityLength + TimestampLength;
    public const int XXInitiationPaddingLength = 128;

    private const int Key = 32;
    private const int Tag = 16;

    /// <summary>IK message 1: e, es, s (encrypted), ss, payload (encrypted).</summary>
    public const int IKInitiationNoiseLength = Key + Key + Tag + IKInitiationPayloadLength + Tag;

    /// <summary>IK message 2: e, ee, se, payload (encrypted).</summary>
    public const int IKResponseNoiseLength = Key + IdentityLength + Tag;

    /// <summary>XX message 1: e, payload (padding, in clear).</summary>
    public const int XXInitiationNoiseLength = Key + XXInitiationPaddingLength;

    /// <summary>XX message 2: e, ee, s (encrypted), es, payload (encrypted).</summary>
    public const int XXResponseNoiseLength = Key + Key + Tag + IdentityLength + Tag;

    /// <summary>XX message 3: s (encrypted), se, payload (encrypted).</summary>
    public const int XXFinishNoiseLength = Key + Tag + IdentityLength + Tag;

    /// <summary>Writes this node's identity (public key and static-key signature).</summary>
    public static void WriteIdentity(Span<byte> payload, NodeIdentity identity)
    {
        identity.PublicKey.CopyTo(payload);
        identity.StaticKeySignature.CopyTo(payload[NodeIdentity.PublicKeyLength..]);
    }

    /// <summary>Writes this side's next Noise message with its identity as the payload.</summary>
    public static NoiseStatus WriteIdentityMessage(NoiseHandshakeState state, NodeIdentity identity, Span<byte> message)
    {
        Span<byte> payload = stackalloc byte[IdentityLength];
        WriteIdentity(payload, identity);
        return state.WriteMessage(payload, message, out _);
    }

    /// <summary>
    /// Checks an identity payload against the static key the Noise handshake authenticated; true when the
    /// signature binds it to the Ed25519 key in the payload.
    /// </summary>
    public static bool VerifyIdentity(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> remoteStaticKey)
        => payload.Length >= IdentityLength
        && NodeIdentity.VerifyStaticKey(
            payload[..NodeIdentity.PublicKeyLength],
            remoteStaticKey,
            payload.Slice(NodeIdentity.PublicKeyLength, NodeIdentity.SignatureLength));
}

/// <summary>
/// A TAI64N timestamp (8-byte big-endian TAI64 label, 4-byte big-endian nanoseconds), made strictly increasing
/// within the process so two initiations never carry the same one; big-endian so byte order is time order.
/// </summary>
internal static class HandshakeTimestamp
{
    // TAI64 labels start at 2^62 (cr.yp.to/libtai/tai64.html); the leap-second offset does not matter for ordering.
    private const ulong Tai64Base = 0x4000_0000_0000_0000UL;

    // Nanoseconds since the Unix epoch of the last timestamp handed out; Interlocked so concurrent
    // initiators in one process still get distinct, increasing values.
    private static long s_last;

    public static void Write(Span<byte> destination, TimeProvider timeProvider)
    {
        var now = (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        long value;
        long last;
        do
        {
            last = Volatile.Read(ref s_last);
            value = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref s_last, value, last) != last);

        BinaryPrimitives.WriteUInt64BigEndian(destination, Tai64Base + (ulong)(value / 1_000_000_000));
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], (uint)(value % 1_000_000_000));
    }
}
