using Elara.Fast.Crypto;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Crypto;

/// <summary>IK and XX between two in-process parties over byte arrays, through to sealed and opened frames.</summary>
public sealed class HandshakeEndToEndTests
{
    [Fact]
    public void IK_completes_after_its_first_response_is_lost_and_the_channels_carry_frames_both_ways()
    {
        using var kit = new HandshakeTestKit();
        using var initiator = kit.Initiator(HandshakePattern.IK);
        initiator.Start();
        Assert.Single(kit.Sent);

        var lost = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]);
        Assert.Equal(HandshakeRejectReason.None, lost.Reason);
        lost.Result!.Dispose(); // the reply is dropped on the way: the initiator never sees it

        kit.Time.Advance(kit.Options.InitialRetransmitDelay - TimeSpan.FromMilliseconds(1));
        Assert.Single(kit.Sent);
        kit.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, kit.Sent.Count);

        var answered = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[1]);
        Assert.Equal(HandshakeRejectReason.None, answered.Reason);
        Assert.Equal(HandshakeRejectReason.None, initiator.Receive(answered.Reply));
        Assert.Equal(HandshakeInitiatorState.Completed, initiator.State);
        Assert.Equal(2, initiator.Attempts);

        using var responderResult = answered.Result!;
        AssertMirrored(initiator.Result!, responderResult, kit);
        AssertChannelsCarryFrames(initiator.Result!, responderResult, kit);
    }

    [Fact]
    public void XX_completes_after_its_first_response_is_lost_and_the_channels_carry_frames_both_ways()
    {
        using var kit = new HandshakeTestKit();
        using var initiator = kit.Initiator(HandshakePattern.XX);
        initiator.Start();
        var lost = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]);
        Assert.Equal(HandshakeRejectReason.None, lost.Reason);
        Assert.Null(lost.Result);
        Assert.Equal(1, kit.Responder.HalfOpenCount);

        kit.Time.Advance(kit.Options.InitialRetransmitDelay);
        Assert.Equal(2, kit.Sent.Count);
        var answered = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[1]);
        Assert.Equal(HandshakeRejectReason.None, initiator.Receive(answered.Reply));
        Assert.Equal(HandshakeInitiatorState.Completed, initiator.State);
        Assert.Equal(3, kit.Sent.Count); // the Finish

        var finished = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[2]);
        Assert.Equal(HandshakeRejectReason.None, finished.Reason);
        Assert.Null(finished.Reply);
        using var responderResult = finished.Result!;
        Assert.Equal(1, kit.Responder.HalfOpenCount); // the abandoned first attempt, until it expires
        AssertMirrored(initiator.Result!, responderResult, kit);
        AssertChannelsCarryFrames(initiator.Result!, responderResult, kit);

        kit.Time.Advance(kit.Options.HalfOpenTimeout);
        Assert.Equal(HandshakeRejectReason.UnknownIndex, kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[2]).Reason);
        Assert.Equal(0, kit.Responder.HalfOpenCount);
    }

    [Fact]
    public void XX_resends_its_Finish_until_the_peer_is_confirmed()
    {
        using var kit = new HandshakeTestKit();
        using var initiator = kit.Initiator(HandshakePattern.XX);
        initiator.Start();
        initiator.Receive(kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]).Reply);
        Assert.Equal(2, kit.Sent.Count);

        kit.Time.Advance(kit.Options.InitialRetransmitDelay); // the Finish was lost: it goes again
        Assert.Equal(3, kit.Sent.Count);
        Assert.Equal(kit.Sent[1], kit.Sent[2]);
        using var result = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[2]).Result!;
        Assert.Equal(kit.Alice.NodeId, result.RemoteNode);

        initiator.ConfirmPeer();
        kit.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, kit.Sent.Count);
    }

    [Theory]
    [InlineData("IK")]
    [InlineData("XX")]
    public void A_fresh_handshake_under_continuous_traffic_replaces_the_secrets_and_loses_no_frame(string patternName)
    {
        var pattern = Enum.Parse<HandshakePattern>(patternName);
        using var kit = new HandshakeTestKit();
        var (first, firstResponder) = Handshake(kit, pattern);
        using var alice = first.CreateChannel(kit.Time);
        using var bob = firstResponder.CreateChannel(kit.Time);

        // Frames travel with a delay of a few frames, so some are always in flight across the rekey.
        var toBob = new Queue<(byte[] Frame, int Seed)>();
        var toAlice = new Queue<(byte[] Frame, int Seed)>();
        var opened = 0;
        const int Rounds = 600;
        HandshakeResult? second = null, secondResponder = null;
        for (var i = 0; i < Rounds; i++)
        {
            toBob.Enqueue(SealOne(alice, i));
            toAlice.Enqueue(SealOne(bob, -i - 1));
            if (i == 200)
            {
                (second, secondResponder) = Handshake(kit, pattern);
                Assert.False(TestKeys.Same(first.SendSecret, second.SendSecret));
                secondResponder.RekeyChannel(bob);
            }

            if (i == 203)
            {
                second!.RekeyChannel(alice);
            }

            while (toBob.Count > 4)
            {
                opened += OpenOne(bob, toBob.Dequeue());
            }

            while (toAlice.Count > 4)
            {
                opened += OpenOne(alice, toAlice.Dequeue());
            }

            kit.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        while (toBob.Count > 0)
        {
            opened += OpenOne(bob, toBob.Dequeue());
        }

        while (toAlice.Count > 0)
        {
            opened += OpenOne(alice, toAlice.Dequeue());
        }

        Assert.Equal(2 * Rounds, opened);

        // Alice now seals under the new secrets only: a channel built from them alone opens her frames.
        using var newKeysOnly = secondResponder!.CreateChannel(kit.Time);
        Assert.Equal(1, OpenOne(newKeysOnly, SealOne(alice, 12345)));
        first.Dispose();
        firstResponder.Dispose();
        second!.Dispose();
        secondResponder.Dispose();
    }

    [Fact]
    public void Disposing_a_result_or_a_key_pair_zeroes_the_secrets()
    {
        using var kit = new HandshakeTestKit();
        var (initiator, responder) = Handshake(kit, HandshakePattern.IK);
        Assert.True(TestKeys.Same(initiator.SendSecret, responder.ReceiveSecret));
        initiator.Dispose();
        responder.Dispose();
        Assert.All(initiator.SendSecret.ToArray().Concat(initiator.ReceiveSecret.ToArray()), b => Assert.Equal(0, b));
        Assert.All(responder.SendSecret.ToArray().Concat(responder.ReceiveSecret.ToArray()), b => Assert.Equal(0, b));

        var pair = NoiseKeyPair.Generate();
        var exported = new byte[NoiseKeyPair.KeyLength];
        pair.ExportPrivateKey(exported);
        Assert.Contains(exported, b => b != 0);
        pair.Dispose();
        pair.ExportPrivateKey(exported);
        Assert.All(exported, b => Assert.Equal(0, b));
    }

    internal static (HandshakeResult Initiator, HandshakeResult Responder) Handshake(HandshakeTestKit kit, HandshakePattern pattern)
    {
        var sent = new List<byte[]>();
        using var initiator = kit.Initiator(pattern, sent: sent);
        initiator.Start();
        var response = kit.Responder.Receive(HandshakeTestKit.AliceAddress, sent[^1]);
        Assert.Equal(HandshakeRejectReason.None, response.Reason);
        Assert.Equal(HandshakeRejectReason.None, initiator.Receive(response.Reply));
        var responderResult = response.Result;
        if (pattern == HandshakePattern.XX)
        {
            var finish = kit.Responder.Receive(HandshakeTestKit.AliceAddress, sent[^1]);
            Assert.Equal(HandshakeRejectReason.None, finish.Reason);
            responderResult = finish.Result;
        }

        return (initiator.Result!, responderResult!);
    }

    private static (byte[], int) SealOne(SecureChannel channel, int seed)
    {
        var frame = CryptoTestFrames.Build(PacketClass.Core, CryptoTestFrames.Payload(64, seed));
        Assert.Equal(SealStatus.Ok, channel.Seal(frame));
        return (frame, seed);
    }

    private static int OpenOne(SecureChannel channel, (byte[] Frame, int Seed) item)
    {
        Assert.Equal(OpenStatus.Ok, channel.Open(item.Frame, out _));
        Assert.Equal(CryptoTestFrames.Payload(64, item.Seed), CryptoTestFrames.PayloadOf(item.Frame).ToArray());
        return 1;
    }

    private static void AssertMirrored(HandshakeResult initiator, HandshakeResult responder, HandshakeTestKit kit)
    {
        Assert.True(TestKeys.Same(initiator.SendSecret, responder.ReceiveSecret));
        Assert.True(TestKeys.Same(initiator.ReceiveSecret, responder.SendSecret));
        Assert.False(TestKeys.Same(initiator.SendSecret, initiator.ReceiveSecret));
        Assert.Equal(initiator.HandshakeHash, responder.HandshakeHash);
        Assert.Equal(kit.Bob.NodeId, initiator.RemoteNode);
        Assert.Equal(kit.Alice.NodeId, responder.RemoteNode);
        Assert.Equal(kit.Bob.PublicKey.ToArray(), initiator.RemoteIdentityKey);
        Assert.Equal(kit.Alice.PublicKey.ToArray(), responder.RemoteIdentityKey);
        Assert.Equal(kit.Alice.NoiseStaticPublicKey.ToArray(), responder.RemoteStaticKey);
        Assert.Equal(initiator.LocalIndex, responder.RemoteIndex);
        Assert.Equal(responder.LocalIndex, initiator.RemoteIndex);
    }

    private static void AssertChannelsCarryFrames(HandshakeResult initiator, HandshakeResult responder, HandshakeTestKit kit)
    {
        using var alice = initiator.CreateChannel(kit.Time);
        using var bob = responder.CreateChannel(kit.Time);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(1, OpenOne(bob, SealOne(alice, i)));
            Assert.Equal(1, OpenOne(alice, SealOne(bob, 1000 + i)));
        }
    }
}

internal static class TestKeys
{
    public static bool Same(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceEqual(b);
}
