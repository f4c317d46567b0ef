using System.Net;
using System.Threading.Channels;
using Elara.Fast.Transport.Stun;
using Elara.Fast.Transport.Turn;

namespace Elara.Fast.IntegrationTests.Transport.Turn;

/// <summary>A TURN client on its own loopback UDP socket, collecting what peers relay to it.</summary>
internal sealed class TurnPeer : IAsyncDisposable
{
    private readonly Channel<(StunAddress Peer, byte[] Data)> _received = Channel.CreateBounded<(StunAddress, byte[])>(1000);
    private readonly StunUdpSocket _socket;

    public TurnPeer(IPEndPoint server, string password = CoturnFixture.Password, TimeSpan? requestedLifetime = null, Action<TurnRefreshKind, TurnResult>? refreshed = null, double refreshFraction = 0.8)
    {
        TurnClient? client = null;
        _socket = new StunUdpSocket(new IPEndPoint(IPAddress.Loopback, 0), (datagram, in _) => client?.HandleDatagram(datagram));
        client = new TurnClient(
            _socket.CreateSender(server),
            new TurnClientOptions
            {
                Username = CoturnFixture.Username,
                Password = password,
                RequestedLifetime = requestedLifetime ?? TimeSpan.FromSeconds(600),
                RefreshFraction = refreshFraction,
                RefreshCompleted = refreshed,
                Stun = new StunClientOptions { InitialRto = TimeSpan.FromMilliseconds(200), MaxTransmissions = 5, FinalWaitMultiplier = 4 },
            },
            (in peer, data) => _received.Writer.TryWrite((peer, data.ToArray())));
        Client = client;
    }

    public TurnClient Client { get; }

    public IPEndPoint LocalEndPoint => _socket.LocalEndPoint;

    public async Task<(StunAddress Peer, byte[] Data)> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        _socket.Dispose();
    }
}
