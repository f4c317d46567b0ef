using Elara.Fast.Crypto;
using Elara.Fast.Primitives;

namespace Elara.Fast.Tests.Crypto;

public sealed class FrameAeadTests
{
    public static TheoryData<string> Implementations => ["nsec", "bcl", "aesgcm"];

    private static IFrameAead Create(string name, ReadOnlySpan<byte> key) => name switch
    {
        "nsec" => FrameAeadFactory.Create(CryptoSuite.ChaCha20Poly1305, key, ChaChaImplementation.NSec),
        "bcl" => FrameAeadFactory.Create(CryptoSuite.ChaCha20Poly1305, key, ChaChaImplementation.Bcl),
        _ => FrameAeadFactory.Create(CryptoSuite.Aes256Gcm, key),
    };

    /// <summary>RFC 8439 §2.8.2: the AEAD_CHACHA20_POLY1305 example.</summary>
    [Theory]
    [InlineData("nsec")]
    [InlineData("bcl")]
    public void ChaCha20Poly1305_matches_the_RFC_8439_example(string name)
    {
        var key = Convert.FromHexString("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        var nonce = Convert.FromHexString("070000004041424344454647");
        var aad = Convert.FromHexString("50515253c0c1c2c3c4c5c6c7");
        var plaintext = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."u8;
        var buffer = new byte[plaintext.Length + 16];
        plaintext.CopyTo(buffer);
        using var aead = Create(name, key);

        aead.Seal(nonce, aad, buffer.AsSpan(0, plaintext.Length), buffer.AsSpan(plaintext.Length));

        Assert.Equal("d31a8d34648e60db7b86afbc53ef7ec2", Convert.ToHexString(buffer, 0, 16).ToLowerInvariant());
        Assert.Equal("1ae10b594f09e26a7e902ecbd0600691", Convert.ToHexString(buffer, plaintext.Length, 16).ToLowerInvariant());
        Assert.True(aead.TryOpen(nonce, aad, buffer.AsSpan(0, plaintext.Length), buffer.AsSpan(plaintext.Length)));
        Assert.True(plaintext.SequenceEqual(buffer.AsSpan(0, plaintext.Length)));
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_flipped_bit_in_ciphertext_tag_or_aad_is_refused_without_an_exception(string name)
    {
        var key = CryptoTestFrames.Secret(9);
        var nonce = new byte[12];
        var aad = CryptoTestFrames.Payload(30, 1);
        var payload = CryptoTestFrames.Payload(64, 2);
        using var aead = Create(name, key);
        var sealedBuffer = new byte[payload.Length + 16];
        payload.CopyTo(sealedBuffer, 0);
        aead.Seal(nonce, aad, sealedBuffer.AsSpan(0, 64), sealedBuffer.AsSpan(64));

        for (var bit = 0; bit < (sealedBuffer.Length + aad.Length) * 8; bit++)
        {
            var buffer = (byte[])sealedBuffer.Clone();
            var associated = (byte[])aad.Clone();
            var target = bit < buffer.Length * 8 ? buffer : associated;
            var index = bit < buffer.Length * 8 ? bit : bit - buffer.Length * 8;
            target[index / 8] ^= (byte)(1 << (index % 8));
            Assert.False(aead.TryOpen(nonce, associated, buffer.AsSpan(0, 64), buffer.AsSpan(64)));
        }

        Assert.True(aead.TryOpen(nonce, aad, sealedBuffer.AsSpan(0, 64), sealedBuffer.AsSpan(64)));
        Assert.Equal(payload, sealedBuffer.AsSpan(0, 64).ToArray());
    }

    [Fact]
    public void NSec_and_BCL_ChaCha20Poly1305_produce_the_same_bytes()
    {
        var key = CryptoTestFrames.Secret(77);
        var nonce = CryptoTestFrames.Payload(12, 5);
        var aad = CryptoTestFrames.Payload(41, 6);
        using var nsec = Create("nsec", key);
        using var bcl = Create("bcl", key);
        foreach (var length in new[] { 0, 1, 63, 64, 200, 1200 })
        {
            var a = new byte[length + 16];
            CryptoTestFrames.Payload(length, length).CopyTo(a, 0);
            var b = (byte[])a.Clone();
            nsec.Seal(nonce, aad, a.AsSpan(0, length), a.AsSpan(length));
            bcl.Seal(nonce, aad, b.AsSpan(0, length), b.AsSpan(length));
            Assert.Equal(a, b);
            Assert.True(bcl.TryOpen(nonce, aad, a.AsSpan(0, length), a.AsSpan(length)));
            Assert.True(nsec.TryOpen(nonce, aad, b.AsSpan(0, length), b.AsSpan(length)));
        }
    }

    [Fact]
    public void NSec_refuses_a_tag_that_does_not_follow_the_payload()
    {
        using var aead = Create("nsec", CryptoTestFrames.Secret(1));
        var buffer = new byte[100];
        Assert.Throws<ArgumentException>(() => aead.Seal(new byte[12], [], buffer.AsSpan(0, 50), buffer.AsSpan(60, 16)));
    }
}
