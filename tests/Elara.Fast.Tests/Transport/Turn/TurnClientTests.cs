using System.Buffers.Binary;
using System.Net;
using System.Text;
using Elara.Fast.Tests.Transport.Stun;
using Elara.Fast.Transport.Stun;
using Elara.Fast.Transport.Turn;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Transport.Turn;

public sealed class TurnClientTests
{
    private static readonly StunAddress Peer = StunAddress.FromIPEndPoint(IPEndPoint.Parse("192.0.2.10:7000"));

    private sealed class Harness
    {
        public Harness(string password = FakeTurnServer.Password, Action<TurnRefreshKind, TurnResult>? refreshed = null)
        {
            Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
            Server = new FakeTurnServer();
            Client = new TurnClient(
                Server.OnSend,
                new TurnClientOptions
                {
                    Username = FakeTurnServer.Username,
                    Password = password,
                    RequestedLifetime = TimeSpan.FromSeconds(600),
                    RefreshCompleted = refreshed,
                    Software = null,
                    Stun = new StunClientOptions { TimeProvider = Time, InitialRto = TimeSpan.FromMilliseconds(100) },
                },
                (in peer, data) => Delivered.Add((peer, data.ToArray())));
            Server.Client = Client;
        }

        public FakeTimeProvider Time { get; }

        public FakeTurnServer Server { get; }

        public TurnClient Client { get; }

        public List<(StunAddress Peer, byte[] Data)> Delivered { get; } = [];

        public async Task AllocateAsync()
        {
            var result = await Client.AllocateAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
            Assert.True(result.IsSuccess, result.ToString());
        }
    }

    private static StunMessageReader Parse(byte[] message)
    {
        Assert.True(StunMessageReader.TryParse(message, out var reader, out var error), error.ToString());
        return reader;
    }

    [Fact]
    public async Task Allocate_answers_the_401_challenge_with_long_term_credentials()
    {
        var h = new Harness();
        await h.AllocateAsync();

        var requests = h.Server.Received;
        Assert.Equal(2, requests.Count);
        var first = Parse(requests[0]);
        Assert.Equal(StunMethod.Allocate, first.Method);
        Assert.False(first.HasMessageIntegrity);
        Assert.True(first.TryGetAttribute(StunAttributeType.RequestedTransport, out var transport));
        Assert.Equal(new byte[] { 17, 0, 0, 0 }, transport.ToArray());

        var second = Parse(requests[1]);
        Assert.NotEqual(first.TransactionId, second.TransactionId);
        Assert.True(second.TryGetAttribute(StunAttributeType.Username, out var user));
        Assert.Equal(FakeTurnServer.Username, Encoding.UTF8.GetString(user));
        Assert.True(second.TryGetAttribute(StunAttributeType.Realm, out var realm));
        Assert.Equal(FakeTurnServer.Realm, Encoding.UTF8.GetString(realm));
        Assert.Equal(StunIntegrityStatus.Valid, second.VerifyFingerprint());

        Assert.True(h.Client.IsAllocated);
        Assert.Equal(FakeTurnServer.Relayed, h.Client.RelayedAddress.ToIPEndPoint());
        Assert.Equal(FakeTurnServer.Mapped, h.Client.MappedAddress.ToIPEndPoint());
        Assert.Equal(TimeSpan.FromSeconds(100), h.Client.Lifetime);
    }

    [Fact]
    public async Task A_stale_nonce_is_retried_with_the_new_nonce()
    {
        var h = new Harness();
        await h.AllocateAsync();
        h.Server.Nonce = "nonce-2";
        var result = await h.Client.RefreshAsync(null, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.True(result.IsSuccess, result.ToString());
        var refreshes = h.Server.Received.Skip(2).Select(Parse2).ToList();
        Assert.Equal(["nonce-1", "nonce-2"], refreshes);

        static string Parse2(byte[] m)
        {
            Assert.True(StunMessageReader.TryParse(m, out var r, out _));
            Assert.True(r.TryGetAttribute(StunAttributeType.Nonce, out var n));
            return Encoding.UTF8.GetString(n);
        }
    }

    [Fact]
    public async Task A_wrong_password_is_reported_as_credentials_rejected_without_hammering_the_server()
    {
        var h = new Harness(password: "wrong");
        var result = await h.Client.AllocateAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(TurnError.CredentialsRejected, result.Error);
        Assert.Equal(401, result.StunErrorCode);
        Assert.Equal(2, h.Server.Received.Count);
        Assert.False(h.Client.IsAllocated);
    }

    [Fact]
    public async Task A_success_response_with_a_bad_integrity_is_discarded()
    {
        var h = new Harness();
        h.Server.ForgeIntegrityWith = new byte[16];
        var task = h.Client.AllocateAsync(TestContext.Current.CancellationToken);
        await h.Server.NextRequestAsync(StunMethod.Allocate);
        await h.Server.NextRequestAsync(StunMethod.Allocate);
        Assert.Equal(1, h.Client.IntegrityFailures);
        Assert.False(task.IsCompleted);
        StunClientTests.AdvanceInSteps(h.Time, TimeSpan.FromSeconds(30));
        var result = await task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(TurnError.TimedOut, result.Error);
        Assert.False(h.Client.IsAllocated);
    }

    [Fact]
    public async Task The_allocation_is_refreshed_at_80_percent_of_its_lifetime()
    {
        var refreshed = new TaskCompletionSource<TurnResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var h = new Harness(refreshed: (kind, result) => refreshed.TrySetResult(result));
        await h.AllocateAsync();
        var before = h.Server.Received.Count;

        h.Time.Advance(TimeSpan.FromSeconds(79));
        Assert.Equal(before, h.Server.Received.Count);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var request = await h.Server.NextRequestAsync(StunMethod.Refresh);
        Assert.Equal(600u, FakeTurnServer.LifetimeOf(request));
        var result = await refreshed.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(1, h.Client.Refreshes);
    }

    [Fact]
    public async Task Disposal_deallocates_with_a_zero_lifetime_refresh()
    {
        var h = new Harness();
        await h.AllocateAsync();
        await h.Client.DisposeAsync();
        var last = h.Server.Received[^1];
        Assert.Equal(StunMethod.Refresh, Parse(last).Method);
        Assert.Equal(0u, FakeTurnServer.LifetimeOf(last));
        Assert.False(h.Client.IsAllocated);
    }

    [Fact]
    public async Task Operations_without_an_allocation_fail_with_not_allocated()
    {
        var h = new Harness();
        Assert.Equal(TurnError.NotAllocated, (await h.Client.RefreshAsync(null, TestContext.Current.CancellationToken)).Error);
        Assert.Equal(TurnError.NotAllocated, (await h.Client.CreatePermissionAsync(Peer, TestContext.Current.CancellationToken)).Error);
        Assert.Equal(TurnError.NotAllocated, (await h.Client.BindChannelAsync(Peer, TestContext.Current.CancellationToken)).Error);
        Assert.Empty(h.Server.Received);
    }

    [Fact]
    public async Task Permissions_and_channels_are_refreshed_on_their_intervals()
    {
        var h = new Harness();
        await h.AllocateAsync();
        Assert.True((await h.Client.CreatePermissionAsync(Peer, TestContext.Current.CancellationToken)).IsSuccess);
        var bound = await h.Client.BindChannelAsync(Peer, TestContext.Current.CancellationToken);
        Assert.True(bound.IsSuccess, bound.ToString());
        Assert.Equal(0x4000, bound.Channel);
        await h.Server.NextRequestAsync(StunMethod.ChannelBind);

        h.Time.Advance(TimeSpan.FromSeconds(240));
        var permission = Parse(await h.Server.NextRequestAsync(StunMethod.CreatePermission));
        Assert.True(permission.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var peer));
        Assert.Equal(Peer, peer);

        h.Time.Advance(TimeSpan.FromSeconds(240));
        var channel = Parse(await h.Server.NextRequestAsync(StunMethod.ChannelBind));
        Assert.True(channel.TryGetChannelNumber(out var number));
        Assert.Equal(0x4000, number);
    }

    [Fact]
    public async Task Send_uses_an_indication_until_a_channel_is_bound_then_channel_data()
    {
        var h = new Harness();
        await h.AllocateAsync();
        Assert.True(h.Client.Send(Peer, "abc"u8));
        var indication = Parse(h.Server.Received[^1]);
        Assert.Equal(StunMethod.Send, indication.Method);
        Assert.Equal(StunClass.Indication, indication.Class);
        Assert.True(indication.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var peer));
        Assert.Equal(Peer, peer);
        Assert.True(indication.TryGetAttribute(StunAttributeType.Data, out var data));
        Assert.Equal("abc", Encoding.UTF8.GetString(data));

        Assert.True((await h.Client.BindChannelAsync(Peer, TestContext.Current.CancellationToken)).IsSuccess);
        Assert.True(h.Client.Send(Peer, "abcde"u8));
        var channelData = h.Server.Received[^1];
        // 0x4000, length 5, "abcde", 3 bytes of zero padding (RFC 8656 §12.4/§12.5).
        Assert.Equal("4000000561626364650000 00".Replace(" ", "", StringComparison.Ordinal), Convert.ToHexStringLower(channelData));
    }

    [Fact]
    public async Task Data_indications_and_channel_data_reach_the_handler_with_the_peer()
    {
        var h = new Harness();
        await h.AllocateAsync();
        Assert.True((await h.Client.BindChannelAsync(Peer, TestContext.Current.CancellationToken)).IsSuccess);

        Assert.True(h.Client.HandleDatagram(DataIndication(Peer, "from data"u8)));
        Assert.True(h.Client.HandleDatagram(Convert.FromHexString("4000000366726f00")));   // "fro" + 1 pad byte
        Assert.False(h.Client.HandleDatagram(Convert.FromHexString("40010001ff000000")));  // unbound channel
        Assert.False(h.Client.HandleDatagram(Convert.FromHexString("4000000966")));        // length past the end

        Assert.Equal(2, h.Delivered.Count);
        Assert.Equal(Peer, h.Delivered[0].Peer);
        Assert.Equal("from data", Encoding.UTF8.GetString(h.Delivered[0].Data));
        Assert.Equal(Peer, h.Delivered[1].Peer);
        Assert.Equal("fro", Encoding.UTF8.GetString(h.Delivered[1].Data));
        Assert.Equal(2, h.Client.RelayedDatagramsReceived);
        // The unbound channel is counted here; the truncated one is not TURN at all (the classifier says
        // Unknown), so it is left to the caller, which counts it as "not ELARA/STUN".
        Assert.Equal(1, h.Client.DroppedDatagrams);
    }

    [Fact]
    public async Task Receiving_relayed_data_does_not_allocate()
    {
        var sum = 0L;
        var time = new FakeTimeProvider();
        var server = new FakeTurnServer();
        var client = new TurnClient(server.OnSend, new TurnClientOptions
        {
            Username = FakeTurnServer.Username,
            Password = FakeTurnServer.Password,
            Stun = new StunClientOptions { TimeProvider = time },
        }, (in peer, data) => sum += data.Length + peer.Port);
        server.Client = client;
        Assert.True((await client.AllocateAsync(TestContext.Current.CancellationToken)).IsSuccess);
        Assert.True((await client.BindChannelAsync(Peer, TestContext.Current.CancellationToken)).IsSuccess);
        var indication = DataIndication(Peer, new byte[200]);
        var channelData = new byte[204];
        BinaryPrimitives.WriteUInt16BigEndian(channelData, 0x4000);
        BinaryPrimitives.WriteUInt16BigEndian(channelData.AsSpan(2), 200);
        Assert.Equal(0, AllocatedBy(() =>
        {
            client.HandleDatagram(indication);
            client.HandleDatagram(channelData);
        }));
        Assert.Equal(2L * (WarmUpIterations + MeasuredIterations) * (200 + 7000), sum);
    }

    [Fact]
    public async Task Sending_relayed_data_does_not_allocate()
    {
        var h = new Harness();
        await h.AllocateAsync();
        var channelPeer = StunAddress.FromIPEndPoint(IPEndPoint.Parse("192.0.2.11:7001"));
        Assert.True((await h.Client.BindChannelAsync(channelPeer, TestContext.Current.CancellationToken)).IsSuccess);
        h.Server.RecordData = false;
        var payload = new byte[200];
        var sent = 0;
        Assert.Equal(0, AllocatedBy(() => sent += (h.Client.Send(Peer, payload) ? 1 : 0) + (h.Client.Send(channelPeer, payload) ? 1 : 0)));
        Assert.Equal(2 * (WarmUpIterations + MeasuredIterations), sent);
    }

    private const int WarmUpIterations = 5_000;
    private const int MeasuredIterations = 10_000;

    // Outside the async test's state machine, after enough calls for tiered compilation to settle,
    // so the measured loop sees only what the code under test allocates.
    private static long AllocatedBy(Action step)
    {
        for (var i = 0; i < WarmUpIterations; i++)
        {
            step();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < MeasuredIterations; i++)
        {
            step();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] DataIndication(StunAddress peer, ReadOnlySpan<byte> data)
    {
        var buffer = new byte[data.Length + 64];
        var writer = new StunMessageWriter(buffer, StunMethod.Data, StunClass.Indication, StunTransactionId.NewId());
        writer.AddXorAddress(StunAttributeType.XorPeerAddress, peer);
        writer.AddAttribute(StunAttributeType.Data, data);
        Assert.True(writer.TryGetMessage(out var message));
        return message.ToArray();
    }
}
