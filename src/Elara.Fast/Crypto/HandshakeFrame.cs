using System.Buffers.Binary;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>
/// The layout of a handshake frame (docs/handshake.md). A handshake frame is an ELARA frame of class Core whose
/// representation profile byte is the reserved value <see cref="HandshakeProfile"/> (0xFF), with flags 0 and a
/// header length of exactly 30: no extensions, and no AEAD tag of the frame-protection layer (the Noise
/// messages carry their own). After the 30-byte fixed header:
/// <code>
/// 30  1  message type (HandshakeMessageType: 1 Initiation, 2 Response, 3 Finish, 4 CookieReply)
/// 31  1  pattern (1 IK, 2 XX)
/// 32  4  sender index   (u32 LE, chosen at random by the sender; names its half-open state)
/// 36  4  receiver index (u32 LE, the peer's sender index; 0 in an Initiation)
/// 40     body: the Noise message; an Initiation ends with mac1 (16) and mac2 (16);
///        a CookieReply is nonce (24) and the encrypted cookie (16 + 16)
/// </code>
/// </summary>
internal static class HandshakeFrame
{
    /// <summary>The fixed header length, which a handshake frame's header-length field must equal.</summary>
    public const int FixedHeaderLength = 30;

    /// <summary>The reserved representation profile that marks a handshake frame within class Core.</summary>
    public const byte HandshakeProfile = 0xFF;

    public const int TypeOffset = 30;
    public const int PatternOffset = 31;
    public const int SenderIndexOffset = 32;
    public const int ReceiverIndexOffset = 36;

    /// <summary>Where the body starts.</summary>
    public const int BodyOffset = 40;

    /// <summary>The length of mac1 and of mac2.</summary>
    public const int MacLength = 16;

    /// <summary>The length of the cookie reply's XChaCha20-Poly1305 nonce.</summary>
    public const int CookieNonceLength = 24;

    /// <summary>The length of a cookie.</summary>
    public const int CookieLength = 16;

    /// <summary>The length of a cookie reply frame.</summary>
    public const int CookieReplyLength = BodyOffset + CookieNonceLength + CookieLength + 16;

    private const int SessionOffset = 4;
    private const int NodeIdOffset = 12;
    private const int ClassOffset = 20;
    private const int ProfileOffset = 21;

    /// <summary>
    /// Says what a datagram is: <see cref="HandshakeMessageType.Data"/> unless it carries the handshake marker
    /// (class Core and profile 0xFF); a marked frame whose version, flags, header length, type or pattern is wrong
    /// is <see cref="HandshakeMessageType.Malformed"/>. Reads at most 32 bytes; never throws.
    /// </summary>
    public static HandshakeMessageType Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length <= ProfileOffset
            || datagram[ClassOffset] != (byte)PacketClass.Core
            || datagram[ProfileOffset] != HandshakeProfile)
        {
            return HandshakeMessageType.Data;
        }

        if (datagram.Length < BodyOffset
            || (datagram[0] >> 4) != 0
            || datagram[1] != 0
            || BinaryPrimitives.ReadUInt16LittleEndian(datagram[2..]) != FixedHeaderLength
            || datagram[PatternOffset] is not ((byte)HandshakePattern.IK or (byte)HandshakePattern.XX))
        {
            return HandshakeMessageType.Malformed;
        }

        var type = datagram[TypeOffset];
        return type is >= (byte)HandshakeMessageType.Initiation and <= (byte)HandshakeMessageType.CookieReply
            ? (HandshakeMessageType)type
            : HandshakeMessageType.Malformed;
    }

    /// <summary>Writes the 40-byte handshake header.</summary>
    public static void WriteHeader(
        Span<byte> frame, HandshakeMessageType type, HandshakePattern pattern, SessionId session, NodeId sender, uint senderIndex, uint receiverIndex)
    {
        frame[..BodyOffset].Clear();
        frame[0] = (byte)CryptoSuite.ChaCha20Poly1305; // version 0 in the high nibble
        BinaryPrimitives.WriteUInt16LittleEndian(frame[2..], FixedHeaderLength);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[SessionOffset..], session.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[NodeIdOffset..], sender.Value);
        frame[ClassOffset] = (byte)PacketClass.Core;
        frame[ProfileOffset] = HandshakeProfile;
        frame[TypeOffset] = (byte)type;
        frame[PatternOffset] = (byte)pattern;
        BinaryPrimitives.WriteUInt32LittleEndian(frame[SenderIndexOffset..], senderIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[ReceiverIndexOffset..], receiverIndex);
    }

    public static SessionId Session(ReadOnlySpan<byte> frame) => new(BinaryPrimitives.ReadUInt64LittleEndian(frame[SessionOffset..]));

    public static NodeId Sender(ReadOnlySpan<byte> frame) => new(BinaryPrimitives.ReadUInt64LittleEndian(frame[NodeIdOffset..]));

    public static HandshakePattern Pattern(ReadOnlySpan<byte> frame) => (HandshakePattern)frame[PatternOffset];

    public static uint SenderIndex(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt32LittleEndian(frame[SenderIndexOffset..]);

    public static uint ReceiverIndex(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt32LittleEndian(frame[ReceiverIndexOffset..]);

    /// <summary>The exact frame length of a message of this type and pattern (every handshake message has one).</summary>
    public static int ExpectedLength(HandshakeMessageType type, HandshakePattern pattern) => (type, pattern) switch
    {
        (HandshakeMessageType.Initiation, HandshakePattern.IK) => BodyOffset + HandshakePayload.IKInitiationNoiseLength + (2 * MacLength),
        (HandshakeMessageType.Initiation, HandshakePattern.XX) => BodyOffset + HandshakePayload.XXInitiationNoiseLength + (2 * MacLength),
        (HandshakeMessageType.Response, HandshakePattern.IK) => BodyOffset + HandshakePayload.IKResponseNoiseLength,
        (HandshakeMessageType.Response, HandshakePattern.XX) => BodyOffset + HandshakePayload.XXResponseNoiseLength,
        (HandshakeMessageType.Finish, HandshakePattern.XX) => BodyOffset + HandshakePayload.XXFinishNoiseLength,
        (HandshakeMessageType.CookieReply, _) => CookieReplyLength,
        _ => -1,
    };

    /// <summary>The Noise prologue: binds the protocol version, the session id and the pattern into <c>h</c>.</summary>
    public static void WritePrologue(Span<byte> prologue, SessionId session, HandshakePattern pattern)
    {
        PrologueLabel.CopyTo(prologue);
        BinaryPrimitives.WriteUInt64LittleEndian(prologue[PrologueLabel.Length..], session.Value);
        prologue[PrologueLabel.Length + 8] = (byte)pattern;
    }

    /// <summary>The prologue's length.</summary>
    public static int PrologueLength => PrologueLabel.Length + 9;

    private static ReadOnlySpan<byte> PrologueLabel => "ELARA_HANDSHAKE_v0"u8;
}
