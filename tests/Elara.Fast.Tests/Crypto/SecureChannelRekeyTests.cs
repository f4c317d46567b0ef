using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Crypto;

public sealed class SecureChannelRekeyTests
{
    /// <summary>A one-way link that delivers every frame after a random delay, so frames overtake each other.</summary>
    private sealed class ReorderingLink(Random random, SecureChannel receiver)
    {
        private readonly List<(int DueStep, byte[] Frame, int Id)> _inFlight = [];

        public int Delivered { get; private set; }

        public int Sent { get; private set; }

        public void Send(SecureChannel sender, int step)
        {
            var payload = BitConverter.GetBytes(Sent);
            var frame = CryptoTestFrames.Build((PacketClass)(Sent % 3), payload);
            Assert.Equal(SealStatus.Ok, sender.Seal(frame));
            _inFlight.Add((step + random.Next(0, 25), frame, Sent));
            Sent++;
        }

        public void Deliver(int step)
        {
            for (var i = _inFlight.Count - 1; i >= 0; i--)
            {
                if (_inFlight[i].DueStep <= step)
                {
                    var (_, frame, id) = _inFlight[i];
                    _inFlight.RemoveAt(i);
                    Assert.Equal(OpenStatus.Ok, receiver.Open(frame, out var layout));
                    Assert.Equal(id, BitConverter.ToInt32(layout.Ciphertext));
                    Delivered++;
                }
            }
        }

        public void Drain(int step)
        {
            while (_inFlight.Count > 0)
            {
                Deliver(step++);
            }
        }
    }

    /// <summary>
    /// Three rekeys under continuous traffic both ways, frames reordered by up to 25 steps: the responder
    /// installs first (waiting for confirmation), the initiator a few steps later (its response was in
    /// flight), and not one frame in either direction is lost or refused.
    /// </summary>
    [Fact]
    public void Rekeys_under_continuous_two_way_traffic_lose_nothing()
    {
        var time = new FakeTimeProvider();
        var random = new Random(42);
        var (initiator, responder) = CryptoTestFrames.Pair(time);
        using (initiator)
        using (responder)
        {
            var toResponder = new ReorderingLink(random, responder);
            var toInitiator = new ReorderingLink(random, initiator);
            var step = 0;
            for (var round = 1; round <= 3; round++)
            {
                var initiatorToResponder = CryptoTestFrames.Secret((byte)(round * 16));
                var responderToInitiator = CryptoTestFrames.Secret((byte)((round * 16) + 128));
                var initiatorInstallsAt = step + 500 + random.Next(1, 40);
                for (var end = step + 1000; step < end; step++)
                {
                    if (step == end - 500)
                    {
                        responder.Rekey(responderToInitiator, initiatorToResponder, KeyActivation.OnPeerConfirmation);
                    }

                    if (step == initiatorInstallsAt)
                    {
                        initiator.Rekey(initiatorToResponder, responderToInitiator);
                    }

                    toResponder.Send(initiator, step);
                    if (step % 3 != 0)
                    {
                        toInitiator.Send(responder, step);
                    }

                    toResponder.Deliver(step);
                    toInitiator.Deliver(step);
                    time.Advance(TimeSpan.FromMilliseconds(2));
                }
            }

            toResponder.Drain(step);
            toInitiator.Drain(step);
            Assert.Equal(toResponder.Sent, toResponder.Delivered);
            Assert.Equal(toInitiator.Sent, toInitiator.Delivered);
            Assert.Equal(toResponder.Sent, responder.GetOpenCount(OpenStatus.Ok));
            Assert.Equal(toInitiator.Sent, initiator.GetOpenCount(OpenStatus.Ok));

            // Both directions really run on the last round's keys: fresh channels built from them open new frames.
            using var checkResponder = new SecureChannel(CryptoTestFrames.Bob, CryptoTestFrames.Alice, CryptoTestFrames.Session, CryptoTestFrames.Secret(3 * 16 + 128), CryptoTestFrames.Secret(3 * 16), time);
            using var checkInitiator = new SecureChannel(CryptoTestFrames.Alice, CryptoTestFrames.Bob, CryptoTestFrames.Session, CryptoTestFrames.Secret(3 * 16), CryptoTestFrames.Secret(3 * 16 + 128), time);
            var fromInitiator = CryptoTestFrames.Build(PacketClass.Repair, [1, 2, 3]);
            Assert.Equal(SealStatus.Ok, initiator.Seal(fromInitiator));
            Assert.Equal(OpenStatus.Ok, checkResponder.Open(fromInitiator, out _));
            var fromResponder = CryptoTestFrames.Build(PacketClass.Repair, [1, 2, 3]);
            Assert.Equal(SealStatus.Ok, responder.Seal(fromResponder));
            Assert.Equal(OpenStatus.Ok, checkInitiator.Open(fromResponder, out _));
        }
    }

    [Fact]
    public void The_responder_keeps_its_old_send_keys_until_the_initiator_proves_it_has_the_new_ones()
    {
        using var pair = new ChannelPair();
        var (time, initiator, responder) = (pair.Time, pair.Alice, pair.Bob);
        var newI2R = CryptoTestFrames.Secret(0x33);
        var newR2I = CryptoTestFrames.Secret(0x44);
        responder.Rekey(newR2I, newI2R, KeyActivation.OnPeerConfirmation);

        // The response may have been lost: the initiator still has only the old keys and must understand us.
        var beforeConfirmation = CryptoTestFrames.Build(PacketClass.Core, [9]);
        Assert.Equal(SealStatus.Ok, responder.Seal(beforeConfirmation));
        Assert.Equal(OpenStatus.Ok, initiator.Open(beforeConfirmation, out _));

        // Frames under the old keys from the initiator still open at the responder (current keys, no grace clock).
        time.Advance(SecureChannel.RekeyGracePeriod * 4);
        var oldFromInitiator = CryptoTestFrames.Build(PacketClass.Core, [8]);
        Assert.Equal(SealStatus.Ok, initiator.Seal(oldFromInitiator));
        Assert.Equal(OpenStatus.Ok, responder.Open(oldFromInitiator, out _));

        initiator.Rekey(newI2R, newR2I);
        var confirming = CryptoTestFrames.Build(PacketClass.Core, [7]);
        Assert.Equal(SealStatus.Ok, initiator.Seal(confirming));
        Assert.Equal(OpenStatus.Ok, responder.Open(confirming, out _));

        var afterConfirmation = CryptoTestFrames.Build(PacketClass.Core, [6]);
        Assert.Equal(SealStatus.Ok, responder.Seal(afterConfirmation));
        using var newKeysOnly = new SecureChannel(CryptoTestFrames.Alice, CryptoTestFrames.Bob, CryptoTestFrames.Session, newI2R, newR2I, time);
        Assert.Equal(OpenStatus.Ok, newKeysOnly.Open((byte[])afterConfirmation.Clone(), out _));
        Assert.Equal(OpenStatus.Ok, initiator.Open(afterConfirmation, out _));
    }

    [Fact]
    public void Frames_under_the_old_keys_open_during_the_grace_period_and_not_after()
    {
        using var pair = new ChannelPair();
        var (time, alice, bob) = (pair.Time, pair.Alice, pair.Bob);
        var late = new List<byte[]>();
        for (var i = 0; i < 4; i++)
        {
            var frame = CryptoTestFrames.Build(PacketClass.Perceptual, [(byte)i]);
            Assert.Equal(SealStatus.Ok, alice.Seal(frame));
            late.Add(frame);
        }

        var a2b = CryptoTestFrames.Secret(0x55);
        var b2a = CryptoTestFrames.Secret(0x66);
        alice.Rekey(a2b, b2a);
        bob.Rekey(b2a, a2b);
        var fresh = CryptoTestFrames.Build(PacketClass.Perceptual, [42]);
        Assert.Equal(SealStatus.Ok, alice.Seal(fresh));
        Assert.Equal(OpenStatus.Ok, bob.Open(fresh, out _));

        Assert.Equal(OpenStatus.Ok, bob.Open(late[0], out _));
        Assert.Equal(OpenStatus.Replay, bob.Open(late[0], out _));
        time.Advance(SecureChannel.RekeyGracePeriod - TimeSpan.FromSeconds(1));
        Assert.Equal(OpenStatus.Ok, bob.Open(late[1], out _));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(OpenStatus.AuthenticationFailed, bob.Open(late[2], out _));
        Assert.Equal(OpenStatus.AuthenticationFailed, bob.Open(late[3], out _));
    }

    [Fact]
    public void A_retried_handshake_replaces_keys_that_were_never_confirmed()
    {
        using var pair = new ChannelPair();
        var (initiator, responder) = (pair.Alice, pair.Bob);
        // First handshake: the response is lost, the initiator never installs these.
        responder.Rekey(CryptoTestFrames.Secret(1), CryptoTestFrames.Secret(2), KeyActivation.OnPeerConfirmation);
        var probe = CryptoTestFrames.Build(PacketClass.Core, [1]);
        Assert.Equal(SealStatus.Ok, initiator.Seal(probe));
        Assert.Equal(OpenStatus.Ok, responder.Open(probe, out _));

        // Retry succeeds.
        var i2r = CryptoTestFrames.Secret(3);
        var r2i = CryptoTestFrames.Secret(4);
        responder.Rekey(r2i, i2r, KeyActivation.OnPeerConfirmation);
        initiator.Rekey(i2r, r2i);
        for (var i = 0; i < 10; i++)
        {
            var there = CryptoTestFrames.Build(PacketClass.Core, [(byte)i]);
            Assert.Equal(SealStatus.Ok, initiator.Seal(there));
            Assert.Equal(OpenStatus.Ok, responder.Open(there, out _));
            var back = CryptoTestFrames.Build(PacketClass.Core, [(byte)i]);
            Assert.Equal(SealStatus.Ok, responder.Seal(back));
            Assert.Equal(OpenStatus.Ok, initiator.Open(back, out _));
        }
    }

    [Fact]
    public void RekeyDue_turns_true_after_two_minutes_and_false_after_a_rekey()
    {
        using var pair = new ChannelPair();
        var (time, alice, bob) = (pair.Time, pair.Alice, pair.Bob);
        Assert.False(alice.RekeyDue);
        time.Advance(SecureChannel.RekeyAfterTime - TimeSpan.FromSeconds(1));
        Assert.False(alice.RekeyDue);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(alice.RekeyDue);
        alice.Rekey(CryptoTestFrames.Secret(1), CryptoTestFrames.Secret(2));
        Assert.False(alice.RekeyDue);
    }
}
