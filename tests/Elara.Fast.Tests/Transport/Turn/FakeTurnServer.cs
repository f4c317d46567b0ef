using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Elara.Fast.Transport.Stun;
using Elara.Fast.Transport.Turn;

namespace Elara.Fast.Tests.Transport.Turn;

/// <summary>
/// A scripted TURN server that answers synchronously inside the client's send delegate: 401 to an
/// unauthenticated request, 438 to a stale nonce, success otherwise. Every datagram it receives is recorded.
/// </summary>
internal sealed class FakeTurnServer
{
    public const string Username = "alice";
    public const string Password = "secret";
    public const string Realm = "example.org";

    public static readonly IPEndPoint Relayed = IPEndPoint.Parse("203.0.113.5:50000");
    public static readonly IPEndPoint Mapped = IPEndPoint.Parse("198.51.100.1:40000");

    // MD5("alice:example.org:secret"), computed here independently of StunIntegrity.
#pragma warning disable CA5351
    private static readonly byte[] Key = MD5.HashData(Encoding.UTF8.GetBytes($"{Username}:{Realm}:{Password}"));
#pragma warning restore CA5351

    private readonly Channel<byte[]> _requests = Channel.CreateUnbounded<byte[]>();

    public string Nonce { get; set; } = "nonce-1";

    public uint GrantedLifetime { get; set; } = 100;

    /// <summary>When set, success responses carry a MESSAGE-INTEGRITY made with this wrong key.</summary>
    public byte[]? ForgeIntegrityWith { get; set; }

    /// <summary>When false, requests are recorded but not answered.</summary>
    public bool Answer { get; set; } = true;

    public TurnClient? Client { get; set; }

    public List<byte[]> Received { get; } = [];

    /// <summary>When false, indications and ChannelData are neither copied nor recorded (allocation tests).</summary>
    public bool RecordData { get; set; } = true;

    public void OnSend(ReadOnlySpan<byte> datagram)
    {
        if (!RecordData && !(StunMessageReader.TryParse(datagram, out var peek, out _) && peek.Class == StunClass.Request))
        {
            return;
        }

        var copy = datagram.ToArray();
        lock (Received)
        {
            Received.Add(copy);
        }

        if (!StunMessageReader.TryParse(copy, out var request, out _) || request.Class != StunClass.Request)
        {
            return;
        }

        _requests.Writer.TryWrite(copy);
        if (Answer && Respond(request) is { } reply)
        {
            Client!.HandleDatagram(reply);
        }
    }

    /// <summary>The next request the client sends (of <paramref name="method"/>), waiting up to 5 s.</summary>
    public async Task<byte[]> NextRequestAsync(StunMethod method)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var request = await _requests.Reader.ReadAsync(timeout.Token);
            if (StunMessageType.MethodOf((ushort)((request[0] << 8) | request[1])) == method)
            {
                return request;
            }
        }
    }

    public static uint LifetimeOf(byte[] request)
    {
        Assert.True(StunMessageReader.TryParse(request, out var reader, out _));
        Assert.True(reader.TryGetUInt32(StunAttributeType.Lifetime, out var lifetime));
        return lifetime;
    }

    private byte[]? Respond(StunMessageReader request)
    {
        if (!request.HasMessageIntegrity)
        {
            return Error(request, 401, "Unauthorized", withChallenge: true);
        }

        Assert.True(request.TryGetAttribute(StunAttributeType.Nonce, out var nonce));
        if (Encoding.UTF8.GetString(nonce) != Nonce)
        {
            return Error(request, 438, "Stale Nonce", withChallenge: true);
        }

        if (request.VerifyMessageIntegrity(Key) != StunIntegrityStatus.Valid)
        {
            return Error(request, 401, "Unauthorized", withChallenge: true);
        }

        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, request.Method, StunClass.SuccessResponse, request.TransactionId);
        switch (request.Method)
        {
            case StunMethod.Allocate:
                writer.AddXorAddress(StunAttributeType.XorRelayedAddress, StunAddress.FromIPEndPoint(Relayed));
                writer.AddXorAddress(StunAttributeType.XorMappedAddress, StunAddress.FromIPEndPoint(Mapped));
                writer.AddUInt32(StunAttributeType.Lifetime, GrantedLifetime);
                break;
            case StunMethod.Refresh:
                request.TryGetUInt32(StunAttributeType.Lifetime, out var asked);
                writer.AddUInt32(StunAttributeType.Lifetime, Math.Min(asked, GrantedLifetime));
                break;
        }

        writer.AddMessageIntegrity(ForgeIntegrityWith ?? Key);
        Assert.True(writer.TryGetMessage(out var message));
        return message.ToArray();
    }

    private byte[] Error(StunMessageReader request, int code, string reason, bool withChallenge)
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, request.Method, StunClass.ErrorResponse, request.TransactionId);
        writer.AddErrorCode(code, reason);
        if (withChallenge)
        {
            writer.AddUtf8(StunAttributeType.Realm, Realm);
            writer.AddUtf8(StunAttributeType.Nonce, Nonce);
        }

        Assert.True(writer.TryGetMessage(out var message));
        return message.ToArray();
    }
}
