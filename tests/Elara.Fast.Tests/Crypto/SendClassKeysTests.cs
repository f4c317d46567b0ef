using Elara.Fast.Crypto;
using Elara.Fast.Primitives;

namespace Elara.Fast.Tests.Crypto;

public sealed class SendClassKeysTests
{
    [Fact]
    public void The_clock_advances_an_epoch_only_after_two_ticks_and_only_once_it_carried_a_frame()
    {
        using var keys = new SendClassKeys(CryptoTestFrames.Secret(1), PacketClass.Core, CryptoSuite.ChaCha20Poly1305, ChaChaImplementation.NSec);
        Assert.True(keys.TryNext(10, out var epoch, out var sequence, out _));
        Assert.Equal((0, 0), (epoch, sequence));
        Assert.True(keys.TryNext(11, out epoch, out sequence, out _));
        Assert.Equal((0, 1), (epoch, sequence));
        Assert.True(keys.TryNext(12, out epoch, out sequence, out _));
        Assert.Equal((1, 0), (epoch, sequence));
        Assert.True(keys.TryNext(13, out epoch, out _, out _));
        Assert.Equal(1, epoch);
        Assert.True(keys.TryNext(14, out epoch, out _, out _));
        Assert.Equal(2, epoch);
    }

    /// <summary>2^32 frames per class and generation: epoch 65 535 is the last, then Seal must wait for a rekey.</summary>
    [Fact]
    public void The_last_epoch_serves_until_its_sequence_runs_out_and_then_the_keys_are_exhausted()
    {
        // AES-GCM: 65 535 epoch keys in one test; a BCL key costs ≈ 2 µs to set up, an NSec key ≈ 0.2 ms.
        using var keys = new SendClassKeys(CryptoTestFrames.Secret(2), PacketClass.Repair, CryptoSuite.Aes256Gcm, ChaChaImplementation.NSec);
        var tick = 0;
        ushort epoch = 0;
        for (var i = 0; i <= ushort.MaxValue; i++)
        {
            Assert.True(keys.TryNext(tick, out epoch, out _, out _));
            tick += 2;
        }

        Assert.Equal(ushort.MaxValue, epoch);
        for (var expected = 1; expected <= ushort.MaxValue; expected++)
        {
            Assert.True(keys.TryNext(tick, out epoch, out var sequence, out _));
            Assert.Equal((ushort.MaxValue, expected), (epoch, (int)sequence));
            tick += 2;
        }

        Assert.False(keys.TryNext(tick, out _, out _, out _));
        Assert.False(keys.TryNext(tick + 2, out _, out _, out _));
    }
}
