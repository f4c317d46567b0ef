using System.Net;
using Elara.Fast.Transport.Stun;
using Microsoft.Extensions.Time.Testing;

namespace Elara.Fast.Tests.Transport.Stun;

public sealed class StunClientTests
{
    private sealed class RecordingSender
    {
        private readonly FakeTimeProvider _time;

        public RecordingSender(FakeTimeProvider time) => _time = time;

        public List<(TimeSpan At, byte[] Datagram)> Sent { get; } = [];

        public void Send(ReadOnlySpan<byte> datagram) => Sent.Add((_time.GetUtcNow() - Start, datagram.ToArray()));

        public static DateTimeOffset Start { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    private static (FakeTimeProvider Time, RecordingSender Sender, StunClient Client) Create(int rtoMs = 500)
    {
        var time = new FakeTimeProvider(RecordingSender.Start);
        var sender = new RecordingSender(time);
        var client = new StunClient(sender.Send, new StunClientOptions { InitialRto = TimeSpan.FromMilliseconds(rtoMs), TimeProvider = time });
        return (time, sender, client);
    }

    // FakeTimeProvider fires a timer at most once per Advance and re-arms it from the advanced time,
    // so a retransmission schedule is walked in small steps.
    internal static void AdvanceInSteps(FakeTimeProvider time, TimeSpan total)
    {
        var step = TimeSpan.FromMilliseconds(1);
        for (var done = TimeSpan.Zero; done < total; done += step)
        {
            time.Advance(step);
        }
    }

    private static byte[] Request(StunTransactionId id)
    {
        var buffer = new byte[20];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.Request, id);
        Assert.True(writer.TryGetMessage(out _));
        return buffer;
    }

    private static byte[] Response(StunTransactionId id, IPEndPoint mapped)
    {
        var buffer = new byte[64];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.SuccessResponse, id);
        writer.AddXorAddress(StunAttributeType.XorMappedAddress, StunAddress.FromIPEndPoint(mapped));
        Assert.True(writer.TryGetMessage(out var message));
        return message.ToArray();
    }

    [Fact]
    public async Task Retransmissions_follow_rfc8489_and_the_transaction_times_out_after_39_5_rto()
    {
        var (time, sender, client) = Create();
        using var _ = client;
        var task = client.SendRequestAsync(Request(StunTransactionId.NewId()), TestContext.Current.CancellationToken);

        // RFC 8489 §6.2.1 example, RTO 500 ms: sends at 0, 500, 1500, 3500, 7500, 15500, 31500 ms and the
        // transaction fails at 39500 ms (16 × RTO after the last send).
        AdvanceInSteps(time, TimeSpan.FromMilliseconds(39_499));

        Assert.False(task.IsCompleted);
        Assert.Equal(new double[] { 0, 500, 1500, 3500, 7500, 15500, 31500 }, sender.Sent.Select(s => s.At.TotalMilliseconds).ToArray());
        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(StunTransactionStatus.TimedOut, result.Status);
        Assert.Equal(7, result.Transmissions);
        Assert.Equal(0, client.PendingCount);
    }

    [Fact]
    public async Task A_response_completes_the_transaction_and_stops_retransmissions()
    {
        var (time, sender, client) = Create();
        using var _ = client;
        var id = StunTransactionId.NewId();
        var task = client.SendRequestAsync(Request(id), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(2, sender.Sent.Count);

        Assert.True(client.TryHandleResponse(Response(id, IPEndPoint.Parse("198.51.100.7:4242"))));
        var result = await task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(StunTransactionStatus.Response, result.Status);
        Assert.True(result.IsSuccess);
        Assert.Equal(2, result.Transmissions);

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2, sender.Sent.Count);
        // A duplicate response (a retransmission crossing ours) matches nothing now.
        Assert.False(client.TryHandleResponse(Response(id, IPEndPoint.Parse("198.51.100.7:4242"))));
        Assert.Equal(1, client.UnmatchedResponses);
    }

    [Fact]
    public async Task Binding_returns_the_xor_mapped_address()
    {
        var (_, sender, client) = Create();
        using var __ = client;
        var task = client.BindingAsync(TestContext.Current.CancellationToken);
        var request = sender.Sent.Single().Datagram;
        Assert.True(StunMessageReader.TryParse(request, out var reader, out _));
        Assert.Equal(StunMethod.Binding, reader.Method);
        Assert.Equal(StunIntegrityStatus.Valid, reader.VerifyFingerprint());

        Assert.True(client.TryHandleResponse(Response(reader.TransactionId, IPEndPoint.Parse("[2001:db8::1]:9"))));
        var result = await task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.True(result.IsSuccess);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::1]:9"), result.MappedAddress.ToIPEndPoint());
    }

    [Fact]
    public async Task A_response_with_another_transaction_id_is_ignored()
    {
        var (time, _, client) = Create();
        using var __ = client;
        var task = client.SendRequestAsync(Request(StunTransactionId.NewId()), TestContext.Current.CancellationToken);
        Assert.False(client.TryHandleResponse(Response(StunTransactionId.NewId(), IPEndPoint.Parse("1.2.3.4:5"))));
        Assert.False(task.IsCompleted);
        AdvanceInSteps(time, TimeSpan.FromSeconds(40));
        Assert.Equal(StunTransactionStatus.TimedOut, (await task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Status);
    }

    [Fact]
    public async Task Cancelling_ends_the_transaction_and_disposal_ends_the_rest()
    {
        var (_, _, client) = Create();
        using var cts = new CancellationTokenSource();
        var cancelled = client.SendRequestAsync(Request(StunTransactionId.NewId()), cts.Token);
        var pending = client.SendRequestAsync(Request(StunTransactionId.NewId()), TestContext.Current.CancellationToken);
        await cts.CancelAsync();
        Assert.Equal(StunTransactionStatus.Cancelled, (await cancelled.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Status);
        client.Dispose();
        Assert.Equal(StunTransactionStatus.Cancelled, (await pending.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Status);
        Assert.Equal(StunTransactionStatus.Cancelled, (await client.SendRequestAsync(Request(StunTransactionId.NewId()), TestContext.Current.CancellationToken)).Status);
    }

    [Fact]
    public async Task Pending_transactions_are_bounded()
    {
        var time = new FakeTimeProvider();
        using var client = new StunClient(_ => { }, new StunClientOptions { MaxPendingTransactions = 2, TimeProvider = time });
        _ = client.SendRequestAsync(Request(StunTransactionId.NewId()), TestContext.Current.CancellationToken);
        _ = client.SendRequestAsync(Request(StunTransactionId.NewId()), TestContext.Current.CancellationToken);
        var third = await client.SendRequestAsync(Request(StunTransactionId.NewId()), TestContext.Current.CancellationToken);
        Assert.Equal(StunTransactionStatus.TooManyPending, third.Status);
        Assert.Equal(0, third.Transmissions);
    }

    [Fact]
    public async Task Something_that_is_not_a_request_is_refused()
    {
        var (_, sender, client) = Create();
        using var _ = client;
        var result = await client.SendRequestAsync(Response(StunTransactionId.NewId(), IPEndPoint.Parse("1.2.3.4:5")), TestContext.Current.CancellationToken);
        Assert.Equal(StunTransactionStatus.InvalidRequest, result.Status);
        Assert.Empty(sender.Sent);
    }

    [Fact]
    public async Task Binding_over_loopback_udp_against_a_minimal_responder()
    {
        // A hand-written responder on a second socket: echoes the source address as XOR-MAPPED-ADDRESS.
        StunUdpSocket? responder = null;
        responder = new StunUdpSocket(new IPEndPoint(IPAddress.Loopback, 0), (datagram, in source) =>
        {
            if (StunMessageReader.TryParse(datagram, out var request, out _) && request.Class == StunClass.Request)
            {
                var reply = Response(request.TransactionId, source.ToIPEndPoint());
                responder!.SendTo(reply, source.ToIPEndPoint().Serialize());
            }
        });
        using var __ = responder;
        StunClient? client = null;
        using var socket = new StunUdpSocket(new IPEndPoint(IPAddress.Loopback, 0), (datagram, in _) => client!.TryHandleResponse(datagram));
        client = new StunClient(socket.CreateSender(responder.LocalEndPoint), new StunClientOptions { InitialRto = TimeSpan.FromMilliseconds(100) });
        using var ___ = client;
        var result = await client.BindingAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(result.IsSuccess, result.Status.ToString());
        Assert.Equal(socket.LocalEndPoint, result.MappedAddress.ToIPEndPoint());
    }
}
