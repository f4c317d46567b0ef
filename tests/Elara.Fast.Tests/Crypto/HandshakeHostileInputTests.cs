using CsCheck;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;

namespace Elara.Fast.Tests.Crypto;

/// <summary>Truncated, garbled, forged, replayed and misdirected handshake messages: typed reasons, no exceptions.</summary>
public sealed class HandshakeHostileInputTests
{
    [Fact]
    public void Every_truncation_of_an_initiation_is_rejected_as_malformed()
    {
        using var kit = new HandshakeTestKit();
        using var initiator = kit.Initiator(HandshakePattern.IK);
        initiator.Start();
        var initiation = kit.Sent[0];
        for (var length = 0; length < initiation.Length; length++)
        {
            var outcome = kit.Responder.Receive(HandshakeTestKit.AliceAddress, initiation.AsSpan(0, length));
            Assert.Equal(HandshakeRejectReason.Malformed, outcome.Reason);
            Assert.Null(outcome.Reply);
        }

        Assert.Equal(0, kit.Responder.DiffieHellmanCount);
    }

    [Fact]
    public void A_flipped_bit_anywhere_in_an_initiation_is_rejected_with_a_reason()
    {
        using var kit = new HandshakeTestKit(new HandshakeOptions { InitiationBurstPerSource = 100_000, InitiationBurst = 100_000 });
        using var initiator = kit.Initiator(HandshakePattern.IK);
        initiator.Start();
        var genuine = kit.Sent[0];
        var reasons = new HashSet<HandshakeRejectReason>();
        for (var i = 0; i < genuine.Length; i++)
        {
            var garbled = (byte[])genuine.Clone();
            garbled[i] ^= 0x04;
            var outcome = kit.Responder.Receive(HandshakeTestKit.AliceAddress, garbled);
            if (i >= genuine.Length - HandshakeFrame.MacLength)
            {
                // mac2 is only read under load; a flipped mac2 on an idle responder changes nothing.
                continue;
            }

            Assert.NotEqual(HandshakeRejectReason.None, outcome.Reason);
            Assert.Null(outcome.Result);
            reasons.Add(outcome.Reason);
        }

        Assert.Contains(HandshakeRejectReason.InvalidMac1, reasons);
        Assert.Contains(HandshakeRejectReason.Malformed, reasons);
    }

    [Fact]
    public void A_garbled_Noise_body_with_valid_macs_fails_decryption()
    {
        using var kit = new HandshakeTestKit(new HandshakeOptions { InitiationBurstPerSource = 100_000, InitiationBurst = 100_000 });
        using var initiator = kit.Initiator(HandshakePattern.IK);
        initiator.Start();
        var genuine = kit.Sent[0];
        for (var i = HandshakeFrame.BodyOffset; i < genuine.Length - (2 * HandshakeFrame.MacLength); i++)
        {
            var garbled = (byte[])genuine.Clone();
            garbled[i] ^= 0x80;
            kit.RemacInitiation(garbled, HandshakePattern.IK);
            var reason = kit.Responder.Receive(HandshakeTestKit.AliceAddress, garbled).Reason;
            Assert.True(reason is HandshakeRejectReason.DecryptFailed or HandshakeRejectReason.InvalidPublicKey, $"byte {i}: {reason}");
        }

        // The genuine initiation is still good afterwards.
        Assert.Equal(HandshakeRejectReason.None, kit.Responder.Receive(HandshakeTestKit.AliceAddress, genuine).Reason);
    }

    [Fact]
    public void A_garbled_response_is_rejected_and_the_genuine_one_still_completes_the_handshake()
    {
        using var kit = new HandshakeTestKit();
        using var initiator = kit.Initiator(HandshakePattern.XX);
        initiator.Start();
        var response = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]).Reply!;
        for (var i = HandshakeFrame.BodyOffset; i < response.Length; i += 7)
        {
            var garbled = (byte[])response.Clone();
            garbled[i] ^= 0x01;
            Assert.Equal(HandshakeRejectReason.DecryptFailed, initiator.Receive(garbled));
            Assert.Equal(HandshakeInitiatorState.Pending, initiator.State);
        }

        Assert.Equal(HandshakeRejectReason.Malformed, initiator.Receive(response.AsSpan(0, response.Length - 1)));
        Assert.Equal(HandshakeRejectReason.None, initiator.Receive(response));
        Assert.Equal(HandshakeInitiatorState.Completed, initiator.State);
        Assert.Equal(HandshakeRejectReason.WrongState, initiator.Receive(response));
    }

    [Fact]
    public void An_IK_initiation_made_with_the_wrong_responder_static_key_is_rejected()
    {
        using var kit = new HandshakeTestKit();
        using var stranger = NodeIdentity.Generate();
        var sent = new List<byte[]>();
        using var initiator = new HandshakeInitiator(
            kit.Alice, HandshakePattern.IK, HandshakeTestKit.Session, stranger.NoiseStaticPublicKey, sent.Add, kit.Options);
        initiator.Start();
        Assert.Equal(HandshakeRejectReason.InvalidMac1, kit.Responder.Receive(HandshakeTestKit.AliceAddress, sent[0]).Reason);

        // Even with a mac1 keyed for Bob, the Noise layer refuses it: es/ss were computed with the wrong key.
        kit.RemacInitiation(sent[0], HandshakePattern.IK);
        Assert.Equal(HandshakeRejectReason.DecryptFailed, kit.Responder.Receive(HandshakeTestKit.AliceAddress, sent[0]).Reason);
    }

    [Fact]
    public void An_XX_initiation_with_a_low_order_ephemeral_key_is_rejected_as_an_invalid_public_key()
    {
        using var kit = new HandshakeTestKit();
        var frame = new byte[HandshakeFrame.ExpectedLength(HandshakeMessageType.Initiation, HandshakePattern.XX)];
        HandshakeFrame.WriteHeader(frame, HandshakeMessageType.Initiation, HandshakePattern.XX, HandshakeTestKit.Session, kit.Alice.NodeId, 9, 0);
        frame[HandshakeFrame.BodyOffset] = 1; // the point (1, ...) has order 1 on Curve25519: every DH with it is zero
        kit.RemacInitiation(frame, HandshakePattern.XX);
        var outcome = kit.Responder.Receive(HandshakeTestKit.AliceAddress, frame);
        Assert.Equal(HandshakeRejectReason.InvalidPublicKey, outcome.Reason);
        Assert.Null(outcome.Reply);
        Assert.Equal(0, kit.Responder.HalfOpenCount);
    }

    [Fact]
    public void A_replayed_initiation_is_rejected()
    {
        using var kit = new HandshakeTestKit();
        using var initiator = kit.Initiator(HandshakePattern.IK);
        initiator.Start();
        var first = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]);
        Assert.Equal(HandshakeRejectReason.None, first.Reason);
        first.Result!.Dispose();

        var replay = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]);
        Assert.Equal(HandshakeRejectReason.ReplayedInitiation, replay.Reason);
        Assert.Null(replay.Reply);
        Assert.Equal(1, kit.Responder.GetRejectCount(HandshakeRejectReason.ReplayedInitiation));

        // A later initiation (a retransmission carries a fresh timestamp) is accepted.
        kit.Time.Advance(kit.Options.InitialRetransmitDelay);
        var retry = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[1]);
        Assert.Equal(HandshakeRejectReason.None, retry.Reason);
        retry.Result!.Dispose();
    }

    [Fact]
    public void An_identity_signature_over_another_static_key_fails_the_handshake()
    {
        using var kit = new HandshakeTestKit();
        using var mallory = NodeIdentity.Generate();

        // Mallory runs the handshake with her own static key but presents Alice's identity and signature.
        var initiation = kit.HandBuiltIKInitiation(mallory, kit.IdentityPayload(kit.Alice, withTimestamp: true), kit.Alice.NodeId);
        Assert.Equal(HandshakeRejectReason.InvalidIdentitySignature, kit.Responder.Receive(HandshakeTestKit.AliceAddress, initiation).Reason);

        // A forged signature (one bit off) fails the same way.
        var payload = kit.IdentityPayload(mallory, withTimestamp: true);
        payload[40] ^= 1;
        initiation = kit.HandBuiltIKInitiation(mallory, payload, mallory.NodeId);
        Assert.Equal(HandshakeRejectReason.InvalidIdentitySignature, kit.Responder.Receive(HandshakeTestKit.AliceAddress, initiation).Reason);
    }

    [Fact]
    public void A_header_node_id_that_is_not_the_authenticated_identity_fails_the_handshake()
    {
        using var kit = new HandshakeTestKit();
        var initiation = kit.HandBuiltIKInitiation(kit.Alice, kit.IdentityPayload(kit.Alice, withTimestamp: true), new NodeId(42));
        Assert.Equal(HandshakeRejectReason.NodeIdMismatch, kit.Responder.Receive(HandshakeTestKit.AliceAddress, initiation).Reason);
    }

    [Fact]
    public void An_initiator_expecting_another_responder_fails_with_UnexpectedPeer()
    {
        using var kit = new HandshakeTestKit();
        using var initiator = kit.Initiator(HandshakePattern.XX, expected: new NodeId(99));
        initiator.Start();
        var reason = initiator.Receive(kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]).Reply);
        Assert.Equal(HandshakeRejectReason.UnexpectedPeer, reason);
        Assert.Equal(HandshakeInitiatorState.Failed, initiator.State);
        Assert.Equal(HandshakeRejectReason.UnexpectedPeer, initiator.FailureReason);
    }

    [Fact]
    public void A_Finish_for_an_unknown_index_or_with_a_bad_source_address_is_rejected()
    {
        using var kit = new HandshakeTestKit();
        using var initiator = kit.Initiator(HandshakePattern.XX);
        initiator.Start();
        initiator.Receive(kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]).Reply);
        var finish = (byte[])kit.Sent[1].Clone();
        finish[HandshakeFrame.ReceiverIndexOffset] ^= 1;
        Assert.Equal(HandshakeRejectReason.UnknownIndex, kit.Responder.Receive(HandshakeTestKit.AliceAddress, finish).Reason);
        Assert.Equal(HandshakeRejectReason.InvalidSourceAddress, kit.Responder.Receive([], kit.Sent[1]).Reason);
        Assert.Equal(HandshakeRejectReason.InvalidSourceAddress, kit.Responder.Receive(new byte[19], kit.Sent[1]).Reason);
        Assert.Equal(HandshakeRejectReason.UnexpectedMessage, kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]).Reply).Reason);
    }

    [Fact]
    public void Random_bytes_never_make_the_responder_or_the_initiator_throw()
    {
        using var kit = new HandshakeTestKit();
        using var initiator = kit.Initiator(HandshakePattern.IK);
        initiator.Start();
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            Assert.NotEqual(HandshakeRejectReason.None, kit.Responder.Receive(HandshakeTestKit.AliceAddress, bytes).Reason);
            Assert.NotEqual(HandshakeRejectReason.None, initiator.Receive(bytes));
        }, iter: 2000);
    }

    [Fact]
    public void Handshake_shaped_random_bodies_never_make_either_side_throw()
    {
        using var kit = new HandshakeTestKit(new HandshakeOptions { InitiationBurstPerSource = 100_000, InitiationBurst = 100_000 });
        using var initiator = kit.Initiator(HandshakePattern.XX);
        initiator.Start();
        var lengths = new[] { 104, 232, 200, 96, 276, 184 };
        Gen.Select(Gen.Int[0, lengths.Length - 1], Gen.Byte[1, 4], Gen.Byte[1, 2], Gen.Int[0, 100_000]).Sample((which, type, pattern, seed) =>
        {
            var frame = new byte[lengths[which]];
            new Random(seed).NextBytes(frame);
            HandshakeFrame.WriteHeader(frame, (HandshakeMessageType)type, (HandshakePattern)pattern, HandshakeTestKit.Session, kit.Alice.NodeId, 5, initiator.LocalIndex);
            if (type == (byte)HandshakeMessageType.Initiation && frame.Length == HandshakeFrame.ExpectedLength(HandshakeMessageType.Initiation, (HandshakePattern)pattern))
            {
                kit.RemacInitiation(frame, (HandshakePattern)pattern);
            }

            var outcome = kit.Responder.Receive(HandshakeTestKit.AliceAddress, frame);
            outcome.Result?.Dispose();
            _ = initiator.Receive(frame);
        }, iter: 1000);
        Assert.NotEqual(HandshakeInitiatorState.Completed, initiator.State);
    }
}
