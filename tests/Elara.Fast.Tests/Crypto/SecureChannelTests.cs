using CsCheck;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Crypto;

public sealed class SecureChannelTests
{
    public static TheoryData<CryptoSuite> Suites => [CryptoSuite.ChaCha20Poly1305, CryptoSuite.Aes256Gcm];

    private static byte[] SealOk(SecureChannel channel, PacketClass packetClass, byte[] payload, bool withExtensions = false)
    {
        var frame = CryptoTestFrames.Build(packetClass, payload, withExtensions);
        Assert.Equal(SealStatus.Ok, channel.Seal(frame));
        return frame;
    }

    private static void AssertOpens(SecureChannel channel, byte[] frame, byte[] expectedPayload)
    {
        Assert.Equal(OpenStatus.Ok, channel.Open(frame, out var layout));
        Assert.Equal(expectedPayload, layout.Ciphertext.ToArray());
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Seal_then_open_round_trips_every_class_with_and_without_extensions(CryptoSuite suite)
    {
        using var pair = new ChannelPair(suite);
        var (alice, bob) = (pair.Alice, pair.Bob);
        foreach (var packetClass in Enum.GetValues<PacketClass>())
        {
            foreach (var length in new[] { 0, 1, 64, 200, 1200 })
            {
                var payload = CryptoTestFrames.Payload(length, length + (int)packetClass);
                var frame = SealOk(alice, packetClass, payload, withExtensions: length % 2 == 0);
                Assert.False(payload.Length > 16 && CryptoTestFrames.PayloadOf(frame).SequenceEqual(payload));
                AssertOpens(bob, frame, payload);
                AssertOpens(alice, SealOk(bob, packetClass, payload), payload);
            }
        }

        Assert.Equal(25, bob.GetOpenCount(OpenStatus.Ok));
        Assert.Equal(25, alice.GetSealCount(SealStatus.Ok));
    }

    [Fact]
    public void The_epoch_advances_before_the_sequence_wraps_and_frames_keep_opening()
    {
        using var pair = new ChannelPair();
        var (alice, bob) = (pair.Alice, pair.Bob);
        var payload = CryptoTestFrames.Payload(8, 1);
        var seen = new HashSet<uint>();
        for (var i = 0; i < (2 * 65536) + 10; i++)
        {
            var frame = SealOk(alice, PacketClass.Perceptual, payload);
            var epoch = BitConverter.ToUInt16(frame, HeaderOffsets.KeyEpoch);
            var sequence = BitConverter.ToUInt16(frame, HeaderOffsets.Sequence);
            Assert.Equal(i / 65536, epoch);
            Assert.Equal(i % 65536, sequence);
            Assert.True(seen.Add(((uint)epoch << 16) | sequence));
            AssertOpens(bob, frame, payload);
        }
    }

    [Fact]
    public void The_epoch_advances_on_the_timer_and_many_epochs_round_trip_for_every_class()
    {
        using var pair = new ChannelPair();
        var (time, alice, bob) = (pair.Time, pair.Alice, pair.Bob);
        for (var epoch = 0; epoch < 40; epoch++)
        {
            foreach (var packetClass in Enum.GetValues<PacketClass>())
            {
                var payload = CryptoTestFrames.Payload(20, epoch);
                var frame = SealOk(alice, packetClass, payload);
                Assert.Equal(epoch, BitConverter.ToUInt16(frame, HeaderOffsets.KeyEpoch));
                AssertOpens(bob, frame, payload);
            }

            time.Advance(SecureChannel.EpochInterval);
        }
    }

    [Fact]
    public void An_idle_class_does_not_skip_epochs()
    {
        using var pair = new ChannelPair();
        var (time, alice, bob) = (pair.Time, pair.Alice, pair.Bob);
        var payload = CryptoTestFrames.Payload(20, 1);
        AssertOpens(bob, SealOk(alice, PacketClass.Core, payload), payload);
        time.Advance(SecureChannel.EpochInterval * 10);
        var frame = SealOk(alice, PacketClass.Core, payload);
        Assert.Equal(1, BitConverter.ToUInt16(frame, HeaderOffsets.KeyEpoch));
        AssertOpens(bob, frame, payload);
    }

    [Fact]
    public void Reordering_across_an_epoch_edge_still_decrypts()
    {
        using var pair = new ChannelPair();
        var (time, alice, bob) = (pair.Time, pair.Alice, pair.Bob);
        var payload = CryptoTestFrames.Payload(30, 1);
        var epoch0 = Enumerable.Range(0, 5).Select(_ => SealOk(alice, PacketClass.Perceptual, payload)).ToList();
        time.Advance(SecureChannel.EpochInterval);
        var epoch1 = Enumerable.Range(0, 5).Select(_ => SealOk(alice, PacketClass.Perceptual, payload)).ToList();
        time.Advance(SecureChannel.EpochInterval);
        var epoch2 = SealOk(alice, PacketClass.Perceptual, payload);
        Assert.Equal(2, BitConverter.ToUInt16(epoch2, HeaderOffsets.KeyEpoch));

        // Epoch 1 first, then the stragglers of epoch 0, then epoch 2 (which moves the window to e=2).
        AssertOpens(bob, epoch1[0], payload);
        foreach (var frame in epoch0)
        {
            AssertOpens(bob, frame, payload);
        }

        AssertOpens(bob, epoch2, payload);
        foreach (var frame in epoch1.Skip(1))
        {
            AssertOpens(bob, frame, payload);
        }
    }

    [Fact]
    public void Losing_every_frame_of_an_epoch_does_not_stop_decryption()
    {
        using var pair = new ChannelPair();
        var (time, alice, bob) = (pair.Time, pair.Alice, pair.Bob);
        var payload = CryptoTestFrames.Payload(30, 1);
        AssertOpens(bob, SealOk(alice, PacketClass.Core, payload), payload);
        for (var lostEpoch = 1; lostEpoch <= 3; lostEpoch++)
        {
            time.Advance(SecureChannel.EpochInterval);
            SealOk(alice, PacketClass.Core, payload);
        }

        time.Advance(SecureChannel.EpochInterval);
        var frame = SealOk(alice, PacketClass.Core, payload);
        Assert.Equal(4, BitConverter.ToUInt16(frame, HeaderOffsets.KeyEpoch));
        AssertOpens(bob, frame, payload);
        time.Advance(SecureChannel.EpochInterval);
        AssertOpens(bob, SealOk(alice, PacketClass.Core, payload), payload);
    }

    [Fact]
    public void Forgeries_naming_future_epochs_cost_at_most_one_derivation_per_interval_and_move_nothing()
    {
        using var pair = new ChannelPair();
        var (time, alice, bob) = (pair.Time, pair.Alice, pair.Bob);
        var payload = CryptoTestFrames.Payload(30, 1);
        AssertOpens(bob, SealOk(alice, PacketClass.Core, payload), payload);
        for (var i = 0; i < 100; i++)
        {
            var forged = SealOk(alice, PacketClass.Core, payload);
            forged[HeaderOffsets.KeyEpoch] = (byte)(5 + (i % 2));
            Assert.Equal(i % 2 == 0 ? OpenStatus.AuthenticationFailed : OpenStatus.UnknownEpoch, bob.Open(forged, out _));
        }

        Assert.Equal(1, bob.EpochProbeDerivations);
        time.Advance(ReceiveClassKeys.MinProbeInterval);
        var sameEpoch = SealOk(alice, PacketClass.Core, payload);
        sameEpoch[HeaderOffsets.KeyEpoch] = 7;
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(OpenStatus.AuthenticationFailed, bob.Open((byte[])sameEpoch.Clone(), out _));
        }

        Assert.Equal(2, bob.EpochProbeDerivations);
        AssertOpens(bob, SealOk(alice, PacketClass.Core, payload), payload);
    }

    /// <summary>
    /// The reference implementation derives a key per message by counting receptions, so one lost packet breaks
    /// every later one. Here, with 30 % loss, reordering within a window and duplicates, across sequence wraps and
    /// timer epochs, every frame that arrives opens exactly once and duplicates are refused as replays.
    /// </summary>
    [Theory]
    [MemberData(nameof(Suites))]
    public void Thirty_percent_loss_with_reordering_never_breaks_decryption(CryptoSuite suite)
    {
        using var pair = new ChannelPair(suite);
        var (time, alice, bob) = (pair.Time, pair.Alice, pair.Bob);
        var random = new Random(1234);
        var inFlight = new List<(byte[] Frame, byte[] Payload)>();
        int delivered = 0, duplicates = 0;
        const int Frames = 140_000;
        for (var i = 0; i < Frames; i++)
        {
            if (i % 20_000 == 0)
            {
                time.Advance(SecureChannel.EpochInterval);
            }

            var packetClass = (PacketClass)(i % 2);
            var payload = new byte[16];
            BitConverter.TryWriteBytes(payload, i);
            var frame = SealOk(alice, packetClass, payload);
            if (random.NextDouble() >= 0.30)
            {
                inFlight.Insert(random.Next(Math.Max(0, inFlight.Count - 40), inFlight.Count + 1), (frame, payload));
            }

            while (inFlight.Count > 64 || (inFlight.Count > 0 && random.NextDouble() < 0.5))
            {
                var (next, expected) = inFlight[0];
                inFlight.RemoveAt(0);
                var duplicate = random.NextDouble() < 0.01 ? (byte[])next.Clone() : null;
                AssertOpens(bob, next, expected);
                delivered++;
                if (duplicate is not null)
                {
                    Assert.Equal(OpenStatus.Replay, bob.Open(duplicate, out _));
                    duplicates++;
                }
            }
        }

        Assert.InRange(delivered, (int)(Frames * 0.68) - inFlight.Count, (int)(Frames * 0.72));
        Assert.Equal(delivered, bob.GetOpenCount(OpenStatus.Ok));
        Assert.Equal(duplicates, bob.GetOpenCount(OpenStatus.Replay));
        Assert.Equal(0, bob.GetOpenCount(OpenStatus.AuthenticationFailed));
    }

    [Fact]
    public void A_flipped_bit_anywhere_in_header_extensions_ciphertext_or_tag_is_refused_and_counted()
    {
        using var pair = new ChannelPair();
        var (alice, bob) = (pair.Alice, pair.Bob);
        var payload = CryptoTestFrames.Payload(40, 8);
        var frame = SealOk(alice, PacketClass.Perceptual, payload, withExtensions: true);
        var refused = 0;
        for (var bit = 0; bit < frame.Length * 8; bit++)
        {
            var tampered = (byte[])frame.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            var status = bob.Open(tampered, out var layout);
            Assert.NotEqual(OpenStatus.Ok, status);
            Assert.True(layout.Frame.IsEmpty);
            refused++;
        }

        var counted = Enum.GetValues<OpenStatus>().Where(s => s != OpenStatus.Ok).Sum(bob.GetOpenCount);
        Assert.Equal(refused, counted);
        Assert.True(bob.GetOpenCount(OpenStatus.AuthenticationFailed) > frame.Length * 4);

        // Nothing a forgery did moved the replay window or the keys: the genuine frame still opens.
        AssertOpens(bob, frame, payload);
    }

    [Fact]
    public void A_forged_tag_is_refused_as_an_authentication_failure()
    {
        using var pair = new ChannelPair();
        var (alice, bob) = (pair.Alice, pair.Bob);
        var payload = CryptoTestFrames.Payload(64, 8);
        var frame = SealOk(alice, PacketClass.Core, payload);
        var forged = (byte[])frame.Clone();
        new Random(5).NextBytes(forged.AsSpan(forged.Length - 16));
        Assert.Equal(OpenStatus.AuthenticationFailed, bob.Open(forged, out _));
        Assert.Equal(1, bob.GetOpenCount(OpenStatus.AuthenticationFailed));
    }

    [Fact]
    public void Wrong_session_wrong_sender_wrong_suite_and_wrong_epoch_are_refused_by_reason()
    {
        var time = new FakeTimeProvider();
        var (alice, bob) = CryptoTestFrames.Pair(time);
        using (alice)
        using (bob)
        using (var otherSession = new SecureChannel(CryptoTestFrames.Alice, CryptoTestFrames.Bob, new SessionId(99), CryptoTestFrames.Secret(0x10), CryptoTestFrames.Secret(0x80), time))
        using (var aesAlice = new SecureChannel(CryptoTestFrames.Alice, CryptoTestFrames.Bob, CryptoTestFrames.Session, CryptoTestFrames.Secret(0x10), CryptoTestFrames.Secret(0x80), time, CryptoSuite.Aes256Gcm))
        {
            var payload = CryptoTestFrames.Payload(64, 8);
            Assert.Equal(OpenStatus.WrongSession, bob.Open(SealOk(otherSession, PacketClass.Core, payload), out _));
            Assert.Equal(OpenStatus.WrongSuite, bob.Open(SealOk(aesAlice, PacketClass.Core, payload), out _));
            Assert.Equal(OpenStatus.WrongSender, alice.Open(SealOk(alice, PacketClass.Core, payload), out _));

            var nextEpoch = SealOk(alice, PacketClass.Core, payload);
            nextEpoch[HeaderOffsets.KeyEpoch] = 1;
            Assert.Equal(OpenStatus.AuthenticationFailed, bob.Open(nextEpoch, out _));
            var farEpoch = SealOk(alice, PacketClass.Core, payload);
            farEpoch[HeaderOffsets.KeyEpoch + 1] = 0x40;
            Assert.Equal(OpenStatus.UnknownEpoch, bob.Open(farEpoch, out _));

            Assert.Equal(1, bob.GetOpenCount(OpenStatus.WrongSession));
            Assert.Equal(1, bob.GetOpenCount(OpenStatus.WrongSuite));
            Assert.Equal(1, alice.GetOpenCount(OpenStatus.WrongSender));
            Assert.Equal(1, bob.GetOpenCount(OpenStatus.UnknownEpoch));
        }
    }

    [Fact]
    public void A_replayed_frame_and_a_frame_below_the_window_are_refused()
    {
        using var pair = new ChannelPair();
        var (alice, bob) = (pair.Alice, pair.Bob);
        var payload = CryptoTestFrames.Payload(10, 8);
        var first = SealOk(alice, PacketClass.Cosmetic, payload);
        var replay = (byte[])first.Clone();
        AssertOpens(bob, first, payload);
        Assert.Equal(OpenStatus.Replay, bob.Open(replay, out _));

        var old = SealOk(alice, PacketClass.Cosmetic, payload);
        for (var i = 0; i < ReplayWindow.WindowSize + 1; i++)
        {
            SealOk(alice, PacketClass.Cosmetic, payload);
        }

        AssertOpens(bob, SealOk(alice, PacketClass.Cosmetic, payload), payload);
        Assert.Equal(OpenStatus.TooOld, bob.Open(old, out _));
        Assert.Equal(1, bob.GetOpenCount(OpenStatus.Replay));
        Assert.Equal(1, bob.GetOpenCount(OpenStatus.TooOld));
    }

    [Fact]
    public void Every_truncation_of_a_frame_is_refused_without_an_exception()
    {
        using var pair = new ChannelPair();
        var (alice, bob) = (pair.Alice, pair.Bob);
        var payload = CryptoTestFrames.Payload(100, 8);
        var frame = SealOk(alice, PacketClass.Core, payload, withExtensions: true);
        for (var length = 0; length < frame.Length; length++)
        {
            var cut = frame.AsSpan(0, length).ToArray();
            Assert.NotEqual(OpenStatus.Ok, bob.Open(cut, out _));
        }

        Assert.True(bob.GetOpenCount(OpenStatus.Truncated) >= FrameLayout.MinFrame);
        AssertOpens(bob, frame, payload);
    }

    [Fact]
    public void Random_datagrams_never_throw_and_never_open()
    {
        using var pair = new ChannelPair();
        var (alice, bob) = (pair.Alice, pair.Bob);
        var template = SealOk(alice, PacketClass.Core, CryptoTestFrames.Payload(50, 1));
        Gen.Byte.Array[0, 1500].Sample(bytes =>
        {
            // Half of them carry a valid-looking header of this session so they reach the AEAD.
            if (bytes.Length >= template.Length && bytes[0] % 2 == 0)
            {
                template.AsSpan(0, 30).CopyTo(bytes);
                BitConverter.TryWriteBytes(bytes.AsSpan(HeaderOffsets.HeaderLength), (ushort)30);
            }

            Assert.NotEqual(OpenStatus.Ok, bob.Open(bytes, out _));
        }, iter: 2000);
    }

    [Fact]
    public void Seal_refuses_a_frame_it_cannot_seal()
    {
        using var pair = new ChannelPair();
        var (alice, bob) = (pair.Alice, pair.Bob);
        Assert.Equal(SealStatus.InvalidFrame, alice.Seal(new byte[20]));
        var badClass = CryptoTestFrames.Build(PacketClass.Core, new byte[10]);
        badClass[HeaderOffsets.PacketClass] = 9;
        Assert.Equal(SealStatus.InvalidFrame, alice.Seal(badClass));
        var badLength = CryptoTestFrames.Build(PacketClass.Core, new byte[10]);
        badLength[HeaderOffsets.HeaderLength] = 200;
        Assert.Equal(SealStatus.InvalidFrame, alice.Seal(badLength));
        Assert.Equal(3, alice.GetSealCount(SealStatus.InvalidFrame));
    }

    [Fact]
    public void A_disposed_channel_refuses_to_seal_and_open()
    {
        var time = new FakeTimeProvider();
        var (alice, bob) = CryptoTestFrames.Pair(time);
        var frame = SealOk(alice, PacketClass.Core, new byte[10]);
        alice.Dispose();
        bob.Dispose();
        Assert.Equal(SealStatus.Disposed, alice.Seal(CryptoTestFrames.Build(PacketClass.Core, new byte[10])));
        Assert.Equal(OpenStatus.Disposed, bob.Open(frame, out _));
        Assert.Throws<ObjectDisposedException>(() => alice.Rekey(new byte[32], new byte[32]));
    }

    [Fact]
    public void The_constructor_refuses_secrets_of_the_wrong_length()
    {
        Assert.Throws<ArgumentException>(() => new SecureChannel(CryptoTestFrames.Alice, CryptoTestFrames.Bob, CryptoTestFrames.Session, new byte[31], new byte[32]));
        Assert.Throws<ArgumentException>(() => new SecureChannel(CryptoTestFrames.Alice, CryptoTestFrames.Bob, CryptoTestFrames.Session, new byte[32], new byte[33]));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Seal_and_open_allocate_nothing(CryptoSuite suite)
    {
        using var pair = new ChannelPair(suite);
        var (alice, bob) = (pair.Alice, pair.Bob);
        var frames = new byte[3][];
        var sizes = new[] { 64, 200, 1200 };
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = CryptoTestFrames.Build(PacketClass.Perceptual, CryptoTestFrames.Payload(sizes[i], i), withExtensions: i == 1);
        }

        void Round(int iterations)
        {
            for (var i = 0; i < iterations; i++)
            {
                var frame = frames[i % frames.Length];
                alice.Seal(frame);
                bob.Open(frame, out _);
            }
        }

        Round(300);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Round(20_000);
        var after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after);
        Assert.Equal(20_300, bob.GetOpenCount(OpenStatus.Ok));
    }
}
