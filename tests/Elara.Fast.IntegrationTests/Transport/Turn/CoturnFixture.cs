using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Elara.Fast.Transport.Stun;

namespace Elara.Fast.IntegrationTests.Transport.Turn;

/// <summary>
/// One real coturn (<c>/usr/bin/turnserver</c>) per test class, on 127.0.0.1 with a generated config in
/// a temp directory: long-term credentials, a realm, relaying on loopback. Ready once it answers a
/// Binding request; killed on disposal. When coturn is not installed, <see cref="SkipReason"/> says so.
/// </summary>
public sealed class CoturnFixture : IAsyncLifetime
{
    public const string Username = "elara";
    public const string Password = "elara-secret";
    public const string Realm = "elara.test";

    /// <summary>The largest lifetime coturn grants (max-allocate-lifetime), so refresh tests stay short.</summary>
    public const int MaxLifetimeSeconds = 60;

    private readonly StringBuilder _log = new();
    private Process? _process;
    private string? _directory;

    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public string? SkipReason { get; private set; }

    /// <summary>The last lines coturn printed (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.Length > 8000 ? _log.ToString(_log.Length - 8000, 8000) : _log.ToString();
            }
        }
    }

    public static string? FindTurnServer()
    {
        foreach (var candidate in new[] { "/usr/bin/turnserver", "/usr/local/bin/turnserver" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public async ValueTask InitializeAsync()
    {
        var turnserver = FindTurnServer();
        if (turnserver is null)
        {
            SkipReason = "coturn is not installed (/usr/bin/turnserver missing; test.sh installs the Debian package 'coturn' when run as root)";
            return;
        }

        _directory = Directory.CreateTempSubdirectory("elara-coturn-").FullName;
        var port = FreePort();
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        // A private relay range derived from the listening port, so parallel runs rarely collide.
        var minPort = 50000 + (port % 700 * 20);
        var config = Path.Combine(_directory, "turnserver.conf");
        await File.WriteAllLinesAsync(config,
        [
            $"listening-port={port}",
            "listening-ip=127.0.0.1",
            "relay-ip=127.0.0.1",
            $"min-port={minPort}",
            $"max-port={minPort + 19}",
            "lt-cred-mech",
            $"user={Username}:{Password}",
            $"realm={Realm}",
            "allow-loopback-peers",
            "no-cli",
            "no-tls",
            "no-dtls",
            "no-tcp-relay",
            $"max-allocate-lifetime={MaxLifetimeSeconds}",
            "fingerprint",
            $"userdb={Path.Combine(_directory, "turndb")}",
            $"pidfile={Path.Combine(_directory, "turnserver.pid")}",
            "log-file=stdout",
            "simple-log",
        ]);

        var psi = new ProcessStartInfo(turnserver)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(config);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await WaitUntilAnsweringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(timeout.Token);
            }

            process.Dispose();
        }

        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    // Polls with Binding requests (each retransmitted every 100 ms) until coturn answers or 15 s pass.
    private async Task WaitUntilAnsweringAsync()
    {
        StunClient? client = null;
        using var socket = new StunUdpSocket(new IPEndPoint(IPAddress.Loopback, 0), (datagram, in _) => client?.TryHandleResponse(datagram));
        client = new StunClient(socket.CreateSender(EndPoint), new StunClientOptions
        {
            InitialRto = TimeSpan.FromMilliseconds(100),
            MaxTransmissions = 3,
            FinalWaitMultiplier = 2,
        });
        using var _ = client;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"turnserver exited with {_process.ExitCode}:\n{Log}");
            }

            var result = await client.BindingAsync();
            if (result.IsSuccess)
            {
                return;
            }
        }

        throw new TimeoutException($"turnserver did not answer a Binding request on {EndPoint} within 15 s:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
            if (_log.Length > 64_000)
            {
                _log.Remove(0, 32_000);
            }
        }
    }

    // A port free for both UDP and TCP on loopback (coturn listens on both).
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            try
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for TCP: try another.
            }
        }

        throw new InvalidOperationException("no free port on 127.0.0.1");
    }
}
