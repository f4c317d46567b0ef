using System.Net;
using System.Text;
using Elara.Fast.Transport.Stun;
using Elara.Fast.Transport.Turn;

namespace Elara.Fast.IntegrationTests.Transport.Turn;

public sealed class CoturnTests(CoturnFixture coturn) : IClassFixture<CoturnFixture>
{
    private void SkipWithoutCoturn()
    {
        if (coturn.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    private static async Task<T> Within<T>(Task<T> task) => await task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

    private async Task<TurnPeer> AllocatedPeerAsync(TimeSpan? lifetime = null, Action<TurnRefreshKind, TurnResult>? refreshed = null, double refreshFraction = 0.8)
    {
        var peer = new TurnPeer(coturn.EndPoint, requestedLifetime: lifetime, refreshed: refreshed, refreshFraction: refreshFraction);
        var result = await Within(peer.Client.AllocateAsync(TestContext.Current.CancellationToken));
        Assert.True(result.IsSuccess, $"{result}\n{coturn.Log}");
        return peer;
    }

    [Fact]
    public async Task A_binding_request_returns_the_clients_loopback_address_and_port()
    {
        SkipWithoutCoturn();
        StunClient? client = null;
        using var socket = new StunUdpSocket(new IPEndPoint(IPAddress.Loopback, 0), (datagram, in _) => client?.TryHandleResponse(datagram));
        client = new StunClient(socket.CreateSender(coturn.EndPoint), new StunClientOptions { InitialRto = TimeSpan.FromMilliseconds(200) });
        using var _ = client;
        var result = await Within(client.BindingAsync(TestContext.Current.CancellationToken));
        Assert.True(result.IsSuccess, $"{result.Status} {result.ErrorCode} {result.ErrorReason}");
        Assert.Equal(socket.LocalEndPoint, result.MappedAddress.ToIPEndPoint());
    }

    [Fact]
    public async Task Allocate_with_long_term_credentials_returns_a_loopback_relay()
    {
        SkipWithoutCoturn();
        await using var peer = await AllocatedPeerAsync();
        Assert.True(peer.Client.IsAllocated);
        Assert.Equal(CoturnFixture.Realm, peer.Client.Realm);
        Assert.Equal(IPAddress.Loopback, peer.Client.RelayedAddress.ToIPEndPoint().Address);
        Assert.Equal(peer.LocalEndPoint, peer.Client.MappedAddress.ToIPEndPoint());
        Assert.True(peer.Client.Lifetime > TimeSpan.Zero);
        Assert.True(peer.Client.Lifetime <= TimeSpan.FromSeconds(CoturnFixture.MaxLifetimeSeconds));
    }

    [Fact]
    public async Task A_wrong_password_fails_with_credentials_rejected()
    {
        SkipWithoutCoturn();
        await using var peer = new TurnPeer(coturn.EndPoint, password: "not-the-password");
        var result = await Within(peer.Client.AllocateAsync(TestContext.Current.CancellationToken));
        Assert.Equal(TurnError.CredentialsRejected, result.Error);
        Assert.Equal(401, result.StunErrorCode);
        Assert.Contains(CoturnFixture.Username, result.Reason, StringComparison.Ordinal);
        Assert.False(peer.Client.IsAllocated);
    }

    [Fact]
    public async Task Two_clients_exchange_data_through_their_relays_with_send_indications()
    {
        SkipWithoutCoturn();
        await using var alice = await AllocatedPeerAsync();
        await using var bob = await AllocatedPeerAsync();
        var aliceRelay = alice.Client.RelayedAddress;
        var bobRelay = bob.Client.RelayedAddress;
        Assert.True((await Within(alice.Client.CreatePermissionAsync(bobRelay, TestContext.Current.CancellationToken))).IsSuccess);
        Assert.True((await Within(bob.Client.CreatePermissionAsync(aliceRelay, TestContext.Current.CancellationToken))).IsSuccess);

        Assert.True(alice.Client.SendIndication(bobRelay, "hello bob"u8));
        var atBob = await bob.ReceiveAsync();
        Assert.Equal("hello bob", Encoding.UTF8.GetString(atBob.Data));
        Assert.Equal(aliceRelay, atBob.Peer);

        Assert.True(bob.Client.SendIndication(atBob.Peer, "hello alice"u8));
        var atAlice = await alice.ReceiveAsync();
        Assert.Equal("hello alice", Encoding.UTF8.GetString(atAlice.Data));
        Assert.Equal(bobRelay, atAlice.Peer);
    }

    [Fact]
    public async Task Two_clients_exchange_data_over_bound_channels()
    {
        SkipWithoutCoturn();
        await using var alice = await AllocatedPeerAsync();
        await using var bob = await AllocatedPeerAsync();
        var aliceRelay = alice.Client.RelayedAddress;
        var bobRelay = bob.Client.RelayedAddress;
        var aliceChannel = await Within(alice.Client.BindChannelAsync(bobRelay, TestContext.Current.CancellationToken));
        var bobChannel = await Within(bob.Client.BindChannelAsync(aliceRelay, TestContext.Current.CancellationToken));
        Assert.True(aliceChannel.IsSuccess, aliceChannel.ToString());
        Assert.True(bobChannel.IsSuccess, bobChannel.ToString());
        Assert.InRange(aliceChannel.Channel, (ushort)0x4000, (ushort)0x4FFF);

        // Odd sizes exercise the padding; 1200 bytes is a full media frame.
        foreach (var size in new[] { 1, 3, 5, 200, 1200 })
        {
            var payload = new byte[size];
            Random.Shared.NextBytes(payload);
            Assert.True(alice.Client.Send(bobRelay, payload));
            var atBob = await bob.ReceiveAsync();
            Assert.Equal(payload, atBob.Data);
            Assert.Equal(aliceRelay, atBob.Peer);

            Assert.True(bob.Client.SendChannelData(bobChannel.Channel, payload));
            var atAlice = await alice.ReceiveAsync();
            Assert.Equal(payload, atAlice.Data);
        }

        // Re-binding the same peer refreshes the binding and keeps the number (RFC 8656 §11).
        var again = await Within(alice.Client.BindChannelAsync(bobRelay, TestContext.Current.CancellationToken));
        Assert.Equal(aliceChannel.Channel, again.Channel);
    }

    [Fact]
    public async Task An_explicit_refresh_returns_the_lifetime_the_server_granted()
    {
        SkipWithoutCoturn();
        await using var peer = await AllocatedPeerAsync();
        // coturn clamps a requested lifetime to its max-allocate-lifetime (60 s in the fixture's config).
        var result = await Within(peer.Client.RefreshAsync(TimeSpan.FromHours(1), TestContext.Current.CancellationToken));
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(TimeSpan.FromSeconds(CoturnFixture.MaxLifetimeSeconds), result.Lifetime);
        Assert.Equal(TimeSpan.FromSeconds(CoturnFixture.MaxLifetimeSeconds), peer.Client.Lifetime);
        Assert.Equal(1, peer.Client.Refreshes);
        Assert.True(peer.Client.IsAllocated);
    }

    [Fact]
    public async Task The_allocation_is_refreshed_automatically_before_it_expires()
    {
        SkipWithoutCoturn();
        var refreshed = new TaskCompletionSource<TurnResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        // coturn grants 60 s (its max-allocate-lifetime); refreshed at 2 % of it, the first automatic
        // refresh is due after about 1.2 s.
        await using var peer = await AllocatedPeerAsync(
            TimeSpan.FromSeconds(60),
            (kind, result) =>
            {
                if (kind == TurnRefreshKind.Allocation)
                {
                    refreshed.TrySetResult(result);
                }
            },
            refreshFraction: 0.02);
        var result = await Within(refreshed.Task);
        Assert.True(result.IsSuccess, result.ToString());
        Assert.True(peer.Client.Refreshes >= 1);
        Assert.True(peer.Client.IsAllocated);
    }

    [Fact]
    public async Task Deallocation_deletes_the_allocation_on_the_server()
    {
        SkipWithoutCoturn();
        var peer = await AllocatedPeerAsync();
        var result = await Within(peer.Client.DeallocateAsync(TestContext.Current.CancellationToken));
        Assert.True(result.IsSuccess, result.ToString());
        Assert.False(peer.Client.IsAllocated);

        Assert.Equal(TimeSpan.Zero, result.Lifetime);
        Assert.Equal(TurnError.NotAllocated, (await peer.Client.RefreshAsync(null, TestContext.Current.CancellationToken)).Error);

        // coturn answers 437 to an Allocate from a 5-tuple that still has an allocation, and removes a
        // deleted one about a second later: a new Allocate from the same socket must then succeed.
        // (Had the Refresh not deleted it, 437 would last for the whole 60 s lifetime.)
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        TurnResult again;
        do
        {
            again = await Within(peer.Client.AllocateAsync(TestContext.Current.CancellationToken));
            if (!again.IsSuccess)
            {
                Assert.Equal(StunErrorCodes.AllocationMismatch, again.StunErrorCode);
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
        while (!again.IsSuccess && DateTime.UtcNow < deadline);

        Assert.True(again.IsSuccess, again.ToString());
        await peer.DisposeAsync();
        Assert.False(peer.Client.IsAllocated);
    }
}
