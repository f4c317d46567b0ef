using Elara.Fast.Crypto;

namespace Elara.Fast.Tests.Crypto;

/// <summary>Cookies under load, per-source rate limits, the half-open table's bounds, and retransmission backoff.</summary>
public sealed class HandshakeLoadTests
{
    private const int FloodSize = 5000;

    [Fact]
    public void Under_a_flood_of_spoofed_IK_initiations_a_legitimate_peer_completes_and_the_flood_costs_no_DH_once_under_load()
    {
        const int Budget = 32;
        using var kit = new HandshakeTestKit(new HandshakeOptions { InitiationBurst = Budget, InitiationsPerSecond = 100 });
        var random = new Random(1234);

        // Spoofed initiations: garbage Noise bodies with a valid mac1 (Bob's static key is public), from random addresses.
        byte[] Spoofed()
        {
            var frame = new byte[HandshakeFrame.ExpectedLength(HandshakeMessageType.Initiation, HandshakePattern.IK)];
            random.NextBytes(frame);
            HandshakeFrame.WriteHeader(frame, HandshakeMessageType.Initiation, HandshakePattern.IK, HandshakeTestKit.Session, new((ulong)random.NextInt64()), (uint)random.Next(), 0);
            kit.RemacInitiation(frame, HandshakePattern.IK);
            return frame;
        }

        for (var i = 0; i < Budget; i++)
        {
            Assert.Equal(HandshakeRejectReason.DecryptFailed, kit.Responder.Receive(HandshakeTestKit.RandomAddress(random), Spoofed()).Reason);
        }

        var dhWhenLoaded = kit.Responder.DiffieHellmanCount;
        Assert.Equal(Budget, dhWhenLoaded); // one DH (es) each before the AEAD refused it

        var cookies = 0;
        for (var i = Budget; i < FloodSize; i++)
        {
            var outcome = kit.Responder.Receive(HandshakeTestKit.RandomAddress(random), Spoofed());
            Assert.Equal(HandshakeRejectReason.CookieSent, outcome.Reason);
            Assert.Equal(HandshakeFrame.CookieReplyLength, outcome.Reply!.Length);
            cookies++;
        }

        Assert.Equal(dhWhenLoaded, kit.Responder.DiffieHellmanCount);
        Assert.Equal(FloodSize - Budget, cookies);

        // The legitimate peer, while the flood goes on: cookie reply, immediate retry with mac2, served.
        using var initiator = kit.Initiator(HandshakePattern.IK);
        initiator.Start();
        var first = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]);
        Assert.Equal(HandshakeRejectReason.CookieSent, first.Reason);
        Assert.Equal(HandshakeRejectReason.CookieSent, kit.Responder.Receive(HandshakeTestKit.RandomAddress(random), Spoofed()).Reason);
        Assert.Equal(HandshakeRejectReason.None, initiator.Receive(first.Reply));
        Assert.Equal(2, kit.Sent.Count);
        Assert.Equal(HandshakeRejectReason.CookieSent, kit.Responder.Receive(HandshakeTestKit.RandomAddress(random), Spoofed()).Reason);

        var served = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[1]);
        Assert.Equal(HandshakeRejectReason.None, served.Reason);
        Assert.Equal(HandshakeRejectReason.None, initiator.Receive(served.Reply));
        Assert.Equal(HandshakeInitiatorState.Completed, initiator.State);
        using var result = served.Result!;
        Assert.Equal(kit.Alice.NodeId, result.RemoteNode);

        // Only the legitimate initiation cost DH (es, ss to read; ee, se to answer).
        Assert.Equal(dhWhenLoaded + 4, kit.Responder.DiffieHellmanCount);
    }

    [Fact]
    public void Under_a_flood_of_spoofed_XX_initiations_the_half_open_table_stops_at_its_threshold_and_a_legitimate_peer_completes()
    {
        const int Threshold = 64;
        using var kit = new HandshakeTestKit(new HandshakeOptions { CookieThreshold = Threshold, HalfOpenCapacity = 128, InitiationBurst = 100_000 });
        var random = new Random(99);

        // XX initiations are cheap to forge validly (a random ephemeral and zero padding): each one served costs
        // the responder two DH and a half-open entry.
        byte[] Spoofed()
        {
            var frame = new byte[HandshakeFrame.ExpectedLength(HandshakeMessageType.Initiation, HandshakePattern.XX)];
            HandshakeFrame.WriteHeader(frame, HandshakeMessageType.Initiation, HandshakePattern.XX, HandshakeTestKit.Session, new((ulong)random.NextInt64()), (uint)random.Next(), 0);
            random.NextBytes(frame.AsSpan(HandshakeFrame.BodyOffset, 32));
            kit.RemacInitiation(frame, HandshakePattern.XX);
            return frame;
        }

        for (var i = 0; i < FloodSize; i++)
        {
            var outcome = kit.Responder.Receive(HandshakeTestKit.RandomAddress(random), Spoofed());
            Assert.Equal(i < Threshold ? HandshakeRejectReason.None : HandshakeRejectReason.CookieSent, outcome.Reason);
        }

        Assert.Equal(Threshold, kit.Responder.HalfOpenCount);
        Assert.Equal(2 * Threshold, kit.Responder.DiffieHellmanCount);

        using var initiator = kit.Initiator(HandshakePattern.XX);
        initiator.Start();
        Assert.Equal(HandshakeRejectReason.None, initiator.Receive(kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]).Reply));
        var response = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[1]);
        Assert.Equal(HandshakeRejectReason.None, response.Reason);
        Assert.Equal(HandshakeRejectReason.None, initiator.Receive(response.Reply));
        var finish = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[2]);
        Assert.Equal(HandshakeRejectReason.None, finish.Reason);
        using var result = finish.Result!;
        Assert.Equal(kit.Alice.NodeId, result.RemoteNode);
        Assert.Equal((2 * Threshold) + 3, kit.Responder.DiffieHellmanCount);
        Assert.Equal(Threshold, kit.Responder.HalfOpenCount);

        // Spoofed sources never answer: their entries expire.
        kit.Time.Advance(kit.Options.HalfOpenTimeout);
        Assert.Equal(HandshakeRejectReason.None, kit.Responder.Receive(HandshakeTestKit.AliceAddress, Spoofed()).Reason);
        Assert.Equal(1, kit.Responder.HalfOpenCount);
    }

    [Fact]
    public void The_half_open_table_never_grows_past_its_capacity_and_evicts_the_oldest()
    {
        const int Capacity = 16;
        using var kit = new HandshakeTestKit(new HandshakeOptions { HalfOpenCapacity = Capacity, CookieThreshold = Capacity + 1, InitiationBurst = 100_000 });
        var initiators = new List<HandshakeInitiator>();
        var sent = new List<byte[]>();
        var random = new Random(5);
        for (var i = 0; i < Capacity + 10; i++)
        {
            var initiator = kit.Initiator(HandshakePattern.XX, sent: sent);
            initiator.Start();
            initiators.Add(initiator);
            var outcome = kit.Responder.Receive(HandshakeTestKit.RandomAddress(random), sent[^1]);
            Assert.Equal(HandshakeRejectReason.None, outcome.Reason);
            Assert.Equal(HandshakeRejectReason.None, initiator.Receive(outcome.Reply));
            Assert.True(kit.Responder.HalfOpenCount <= Capacity);
        }

        Assert.Equal(Capacity, kit.Responder.HalfOpenCount);
        Assert.Equal(10, kit.Responder.HalfOpenEvictions);

        // The oldest were evicted: their Finish names no handshake; the newest still finishes.
        Assert.Equal(HandshakeRejectReason.UnknownIndex, kit.Responder.Receive(HandshakeTestKit.AliceAddress, sent[1]).Reason);
        var last = kit.Responder.Receive(HandshakeTestKit.AliceAddress, sent[^1]);
        Assert.Equal(HandshakeRejectReason.None, last.Reason);
        last.Result!.Dispose();
        foreach (var initiator in initiators)
        {
            initiator.Result?.Dispose();
            initiator.Dispose();
        }
    }

    [Fact]
    public void A_source_over_its_rate_gets_a_cookie_and_once_it_proved_its_address_is_held_to_its_rate()
    {
        using var kit = new HandshakeTestKit(new HandshakeOptions { InitiationBurstPerSource = 2, InitiationsPerSecondPerSource = 1 });
        var outcomes = new List<HandshakeResponderOutcome>();
        var initiators = new List<HandshakeInitiator>();
        for (var i = 0; i < 3; i++)
        {
            var initiator = kit.Initiator(HandshakePattern.IK);
            initiators.Add(initiator);
            initiator.Start();
            outcomes.Add(kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[^1]));
        }

        Assert.Equal(HandshakeRejectReason.None, outcomes[0].Reason);
        Assert.Equal(HandshakeRejectReason.None, outcomes[1].Reason);
        Assert.Equal(HandshakeRejectReason.CookieSent, outcomes[2].Reason);

        // Another source is not affected.
        using var other = kit.Initiator(HandshakePattern.IK, sent: []);
        var otherSent = new List<byte[]>();
        using var otherInitiator = kit.Initiator(HandshakePattern.IK, sent: otherSent);
        otherInitiator.Start();
        var otherOutcome = kit.Responder.Receive([10, 0, 0, 9, 1, 2], otherSent[0]);
        Assert.Equal(HandshakeRejectReason.None, otherOutcome.Reason);
        otherOutcome.Result!.Dispose();

        // The third initiator takes the cookie and retries at once with mac2, but its source has no token left.
        Assert.Equal(HandshakeRejectReason.None, initiators[2].Receive(outcomes[2].Reply));
        Assert.Equal(HandshakeRejectReason.RateLimited, kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[^1]).Reason);

        // A second later the bucket has a token again; the retransmission (still with mac2) is served.
        kit.Time.Advance(TimeSpan.FromSeconds(1));
        var retry = kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[^1]);
        Assert.Equal(HandshakeRejectReason.None, retry.Reason);
        Assert.Equal(HandshakeRejectReason.None, initiators[2].Receive(retry.Reply));
        retry.Result!.Dispose();
        foreach (var outcome in outcomes)
        {
            outcome.Result?.Dispose();
        }

        foreach (var initiator in initiators)
        {
            initiator.Result?.Dispose();
            initiator.Dispose();
        }
    }

    [Fact]
    public void The_rate_limiter_table_is_bounded_and_refuses_new_sources_when_full_of_busy_ones()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var limiter = new HandshakeRateLimiter(time, perSecond: 1, burst: 2, capacity: 8);
        for (byte i = 0; i < 8; i++)
        {
            Assert.True(limiter.TryAcquire([10, 0, 0, i]));
        }

        Assert.False(limiter.TryAcquire([10, 0, 1, 0]));
        Assert.Equal(8, limiter.Count);
        Assert.Equal(1, limiter.TableFullRefusals);

        // Idle sources (full buckets again) are swept out to make room.
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(limiter.TryAcquire([10, 0, 1, 0]));
        Assert.Equal(1, limiter.Count);

        // Sources differing only in length are distinct.
        Assert.True(limiter.TryAcquire([10, 0, 1, 0, 0]));
        Assert.Equal(2, limiter.Count);
    }

    [Fact]
    public void The_initiator_retransmits_with_exponential_backoff_and_gives_up_after_its_last_attempt()
    {
        using var kit = new HandshakeTestKit(new HandshakeOptions { MaxAttempts = 4, InitialRetransmitDelay = TimeSpan.FromMilliseconds(100) });
        using var initiator = kit.Initiator(HandshakePattern.IK);
        initiator.Start();
        var expectedDelays = new[] { 100, 200, 400 };
        foreach (var delay in expectedDelays)
        {
            var before = kit.Sent.Count;
            kit.Time.Advance(TimeSpan.FromMilliseconds(delay - 1));
            Assert.Equal(before, kit.Sent.Count);
            kit.Time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(before + 1, kit.Sent.Count);
        }

        // Each retransmission is a fresh initiation (new ephemeral, new timestamp).
        Assert.Equal(4, kit.Sent.Select(Convert.ToHexString).Distinct().Count());
        Assert.Equal(HandshakeInitiatorState.Pending, initiator.State);
        kit.Time.Advance(TimeSpan.FromMilliseconds(800));
        Assert.Equal(HandshakeInitiatorState.Failed, initiator.State);
        Assert.Equal(HandshakeRejectReason.TimedOut, initiator.FailureReason);
        kit.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(4, kit.Sent.Count);
    }

    [Fact]
    public void A_cookie_reply_that_does_not_answer_our_initiation_is_rejected()
    {
        using var kit = new HandshakeTestKit(new HandshakeOptions { InitiationBurstPerSource = 1 });
        using var first = kit.Initiator(HandshakePattern.IK);
        first.Start();
        kit.Responder.Receive(HandshakeTestKit.AliceAddress, kit.Sent[0]).Result!.Dispose();
        var sent = new List<byte[]>();
        using var second = kit.Initiator(HandshakePattern.IK, sent: sent);
        second.Start();
        var cookie = kit.Responder.Receive(HandshakeTestKit.AliceAddress, sent[0]);
        Assert.Equal(HandshakeRejectReason.CookieSent, cookie.Reason);

        var garbled = (byte[])cookie.Reply!.Clone();
        garbled[^1] ^= 1;
        Assert.Equal(HandshakeRejectReason.InvalidCookieReply, second.Receive(garbled));
        Assert.Equal(HandshakeRejectReason.UnknownIndex, first.Receive(cookie.Reply));
        Assert.Equal(HandshakeRejectReason.None, second.Receive(cookie.Reply));
        Assert.Equal(1, second.CookiesReceived);
        first.Result?.Dispose();
    }
}
