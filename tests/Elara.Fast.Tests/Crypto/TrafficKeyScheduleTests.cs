using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Crypto;

public sealed class TrafficKeyScheduleTests
{
    /// <summary>The schedule of WIRE.md computed independently with the BCL's HKDF (RFC 5869).</summary>
    private static byte[] ExpectedEpochKey(byte[] directionSecret, PacketClass packetClass, ushort epoch)
    {
        var classKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, directionSecret, 32, [(byte)packetClass], Encoding.ASCII.GetBytes("ELARA_CLASS_KEY_v0"));
        var salt = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(salt, epoch);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, classKey, 32, salt, Encoding.ASCII.GetBytes("ELARA_EPOCH_KEY_v0"));
    }

    [Fact]
    public void Class_and_epoch_keys_match_an_independent_HKDF_computation()
    {
        var secret = CryptoTestFrames.Secret(0x42);
        Span<byte> classKey = stackalloc byte[32];
        Span<byte> epochKey = stackalloc byte[32];
        foreach (var packetClass in Enum.GetValues<PacketClass>())
        {
            TrafficKeySchedule.DeriveClassKey(secret, packetClass, classKey);
            foreach (ushort epoch in new ushort[] { 0, 1, 2, 255, 256, 0x7FFF, 0x8000, ushort.MaxValue })
            {
                TrafficKeySchedule.DeriveEpochKey(classKey, epoch, epochKey);
                Assert.Equal(ExpectedEpochKey(secret, packetClass, epoch), epochKey.ToArray());
            }
        }
    }

    [Fact]
    public void Keys_differ_between_classes_and_epochs()
    {
        var secret = CryptoTestFrames.Secret(1);
        var seen = new HashSet<string>();
        Span<byte> classKey = stackalloc byte[32];
        Span<byte> epochKey = stackalloc byte[32];
        foreach (var packetClass in Enum.GetValues<PacketClass>())
        {
            TrafficKeySchedule.DeriveClassKey(secret, packetClass, classKey);
            for (ushort epoch = 0; epoch < 20; epoch++)
            {
                TrafficKeySchedule.DeriveEpochKey(classKey, epoch, epochKey);
                Assert.True(seen.Add(Convert.ToHexString(epochKey)));
            }
        }
    }

    /// <summary>
    /// End to end against the spec, with nothing of ours on the checking side: a frame sealed by the channel
    /// decrypts with the BCL's ChaCha20-Poly1305 under the independently derived key, the nonce
    /// node id · sequence · class · 0, and every byte before the ciphertext (header and extensions) as AAD.
    /// </summary>
    [Theory]
    [InlineData(CryptoSuite.ChaCha20Poly1305)]
    [InlineData(CryptoSuite.Aes256Gcm)]
    public void A_sealed_frame_is_exactly_the_spec_AEAD_of_its_header_and_payload(CryptoSuite suite)
    {
        var time = new FakeTimeProvider();
        var sendSecret = CryptoTestFrames.Secret(0x10);
        using var channel = new SecureChannel(CryptoTestFrames.Alice, CryptoTestFrames.Bob, CryptoTestFrames.Session, sendSecret, CryptoTestFrames.Secret(0x80), time, suite);
        var payload = CryptoTestFrames.Payload(200, 3);
        byte[] frame = [];
        for (var i = 0; i < 3; i++)
        {
            frame = CryptoTestFrames.Build(PacketClass.Enhancement, payload, withExtensions: true);
            Assert.Equal(SealStatus.Ok, channel.Seal(frame));
        }

        int headerLength = BitConverter.ToUInt16(frame, 2);
        Assert.Equal((byte)suite, frame[0]);
        Assert.Equal(CryptoTestFrames.Session.Value, BitConverter.ToUInt64(frame, 4));
        Assert.Equal(CryptoTestFrames.Alice.Value, BitConverter.ToUInt64(frame, 12));
        Assert.Equal(0, BitConverter.ToUInt16(frame, 26));
        Assert.Equal(2, BitConverter.ToUInt16(frame, 28));

        byte[] nonce = [.. BitConverter.GetBytes(CryptoTestFrames.Alice.Value), 2, 0, (byte)PacketClass.Enhancement, 0];
        var key = ExpectedEpochKey(sendSecret, PacketClass.Enhancement, 0);
        var ciphertext = frame.AsSpan(headerLength, payload.Length);
        var tag = frame.AsSpan(headerLength + payload.Length, 16);
        var plaintext = new byte[payload.Length];
        if (suite == CryptoSuite.ChaCha20Poly1305)
        {
            using var reference = new ChaCha20Poly1305(key);
            reference.Decrypt(nonce, ciphertext, tag, plaintext, frame.AsSpan(0, headerLength));
        }
        else
        {
            using var reference = new AesGcm(key, 16);
            reference.Decrypt(nonce, ciphertext, tag, plaintext, frame.AsSpan(0, headerLength));
        }

        Assert.Equal(payload, plaintext);
    }
}
