using System.Net;
using System.Net.Sockets;
using Elara.Fast.IntegrationTests.Cli;
using Elara.Fast.IntegrationTests.Transport.Turn;

namespace Elara.Fast.IntegrationTests.Transport.Stun;

public sealed class StunCommandTests(CoturnFixture coturn) : IClassFixture<CoturnFixture>
{
    [Fact]
    public async Task Elara_stun_prints_the_reflexive_address_coturn_saw()
    {
        if (coturn.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        // Send from a known port so the expected address does not come from the command's own output.
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var result = await ElaraProcess.RunAsync("stun", coturn.EndPoint.ToString(), "--bind", $"127.0.0.1:{port}", "--rto", "200");
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\nstdout: {result.StdOut}\nstderr: {result.StdErr}");
        Assert.Equal($"127.0.0.1:{port}", result.StdOut.Trim());
    }

    [Fact]
    public async Task Elara_stun_fails_with_exit_code_1_and_a_clear_error_when_nothing_answers()
    {
        // A bound socket that never answers: the request is retransmitted and times out.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var result = await ElaraProcess.RunAsync("stun", silent.LocalEndPoint!.ToString()!, "--rto", "50", "--transmissions", "3");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no response from", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("after 3 transmissions", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StdOut.Trim());
        // The silent socket received all three transmissions.
        Assert.Equal(3, silent.Available > 0 ? CountDatagrams(silent) : 0);
    }

    [Fact]
    public async Task Elara_stun_rejects_a_bad_port()
    {
        var result = await ElaraProcess.RunAsync("stun", "localhost:notaport");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no valid port", result.StdErr, StringComparison.Ordinal);
    }

    private static int CountDatagrams(Socket socket)
    {
        var buffer = new byte[2048];
        var count = 0;
        while (socket.Available > 0)
        {
            socket.Receive(buffer);
            count++;
        }

        return count;
    }
}
