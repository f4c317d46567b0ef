using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Crypto;

/// <summary>Builds plaintext frames the way the egress stage does before Seal, and pairs of channels.</summary>
internal static class CryptoTestFrames
{
    public static readonly NodeId Alice = new(0x1111_2222_3333_4444);
    public static readonly NodeId Bob = new(0x5555_6666_7777_8888);
    public static readonly SessionId Session = new(0xABCD_EF01_2345_6789);

    /// <summary>A frame with the header fields the caller owns, optional extensions (PathId + InterestMask) and the payload; 16 bytes of tag room.</summary>
    public static byte[] Build(PacketClass packetClass, ReadOnlySpan<byte> payload, bool withExtensions = false)
    {
        var extensionArea = new byte[ExtensionWriter.MaxAreaLength];
        var headerLength = FrameLayout.HeaderSize;
        if (withExtensions)
        {
            var extensions = new ExtensionWriter(extensionArea);
            Assert.True(extensions.TryWritePathId(7));
            Assert.True(extensions.TryWriteInterestMask(0x0102_0304_0506_0708));
            headerLength = extensions.HeaderLength;
        }

        var frame = new byte[FrameLayout.FrameLength(headerLength, payload.Length)];
        Assert.True(FrameHeaderWriter.TryCreate(frame, out var header));
        header.Flags = withExtensions ? FrameFlags.Extension : FrameFlags.None;
        header.HeaderLength = (ushort)headerLength;
        header.PacketClass = packetClass;
        header.Profile = RepresentationProfile.VoiceStandard;
        header.TimeHint = -1234;
        extensionArea.AsSpan(0, headerLength - FrameLayout.HeaderSize).CopyTo(frame.AsSpan(FrameLayout.HeaderSize));
        payload.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }

    public static byte[] Payload(int length, int seed)
    {
        var payload = new byte[length];
        new Random(seed).NextBytes(payload);
        return payload;
    }

    public static byte[] Secret(byte fill)
    {
        var secret = new byte[32];
        for (var i = 0; i < secret.Length; i++)
        {
            secret[i] = (byte)(fill + i);
        }

        return secret;
    }

    /// <summary>Alice's channel to Bob and Bob's channel to Alice, with mirrored secrets.</summary>
    public static (SecureChannel Alice, SecureChannel Bob) Pair(TimeProvider time, CryptoSuite suite = CryptoSuite.ChaCha20Poly1305, byte aliceToBob = 0x10, byte bobToAlice = 0x80)
    {
        var a2b = Secret(aliceToBob);
        var b2a = Secret(bobToAlice);
        return (new SecureChannel(Alice, Bob, Session, a2b, b2a, time, suite), new SecureChannel(Bob, Alice, Session, b2a, a2b, time, suite));
    }

    /// <summary>The payload region of an opened (or not yet sealed) frame.</summary>
    public static ReadOnlySpan<byte> PayloadOf(byte[] frame)
    {
        int headerLength = BitConverter.ToUInt16(frame, HeaderOffsets.HeaderLength);
        return frame.AsSpan(headerLength, frame.Length - headerLength - FrameLayout.TagSize);
    }
}
