using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Elara.Fast.Transport.Stun;

namespace Elara.Fast.Cli.Commands;

/// <summary>
/// <c>elara stun &lt;server[:port]&gt;</c>: sends a STUN Binding request (RFC 8489, retransmitted with RTO
/// doubling) and prints the reflexive transport address the server saw. Exit 1 with a one-line error on
/// timeout, an error response, or a server name that does not resolve.
/// </summary>
internal static class StunCommand
{
    /// <summary>The reflexive address was printed.</summary>
    public const int ExitOk = 0;

    /// <summary>No answer, an error answer, or bad input.</summary>
    public const int ExitFailed = 1;

    /// <summary>The STUN port when the server is given without one (RFC 8489 §18.6).</summary>
    public const int DefaultPort = 3478;

    public static Command Create()
    {
        var server = new Argument<string>("server")
        {
            Description = "The STUN server: host, host:port, IPv4:port or [IPv6]:port (default port 3478).",
        };
        var rto = new Option<int>("--rto")
        {
            Description = "Initial retransmission timeout in milliseconds; it doubles after each retransmission.",
            DefaultValueFactory = _ => 500,
        };
        var transmissions = new Option<int>("--transmissions")
        {
            Description = "How many times the request is sent before giving up (RFC 8489's Rc).",
            DefaultValueFactory = _ => 7,
        };
        var bind = new Option<string?>("--bind")
        {
            Description = "Local address to send from, e.g. 0.0.0.0:0 (default: any address of the server's family, any port).",
        };
        var command = new Command("stun", "Ask a STUN server for this host's reflexive (public) transport address.")
        {
            server,
            rto,
            transmissions,
            bind,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(server)!, parse.GetValue(rto), parse.GetValue(transmissions), parse.GetValue(bind), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(string server, int rtoMs, int transmissions, string? bind, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (rtoMs <= 0 || transmissions <= 0)
        {
            await error.WriteLineAsync("error: --rto and --transmissions must be positive.").ConfigureAwait(false);
            return ExitFailed;
        }

        var remote = await ResolveAsync(server, error, cancellationToken).ConfigureAwait(false);
        if (remote is null)
        {
            return ExitFailed;
        }

        IPEndPoint local;
        if (bind is null)
        {
            local = new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        }
        else if (!IPEndPoint.TryParse(bind, out local!))
        {
            await error.WriteLineAsync($"error: --bind '{bind}' is not an address:port.").ConfigureAwait(false);
            return ExitFailed;
        }

        StunClient? client = null;
        StunUdpSocket socket;
        try
        {
            socket = new StunUdpSocket(local, (datagram, in _) => client?.TryHandleResponse(datagram));
        }
        catch (SocketException e)
        {
            await error.WriteLineAsync($"error: cannot bind {local}: {e.Message}").ConfigureAwait(false);
            return ExitFailed;
        }

        using (socket)
        {
            var options = new StunClientOptions { InitialRto = TimeSpan.FromMilliseconds(rtoMs), MaxTransmissions = transmissions };
            client = new StunClient(socket.CreateSender(remote), options);
            using var _ = client;
            var stopwatch = Stopwatch.StartNew();
            var result = await client.BindingAsync(cancellationToken).ConfigureAwait(false);
            var elapsed = stopwatch.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
            if (result.IsSuccess)
            {
                await output.WriteLineAsync(result.MappedAddress.ToString()).ConfigureAwait(false);
                await error.WriteLineAsync($"server {remote}, local {socket.LocalEndPoint}, {result.Transmissions} transmission(s), {elapsed} ms").ConfigureAwait(false);
                return ExitOk;
            }

            var reason = result.Status switch
            {
                StunTransactionStatus.TimedOut => $"no response from {remote} after {result.Transmissions} transmissions ({elapsed} ms)",
                StunTransactionStatus.Response when result.ErrorCode != 0 => $"{remote} answered {result.ErrorCode} {result.ErrorReason}",
                StunTransactionStatus.Response => $"{remote} answered without a usable address: {result.ErrorReason}",
                _ => $"the request to {remote} was {result.Status}",
            };
            await error.WriteLineAsync($"error: {reason}").ConfigureAwait(false);
            return ExitFailed;
        }
    }

    private static async Task<IPEndPoint?> ResolveAsync(string server, TextWriter error, CancellationToken cancellationToken)
    {
        if (IPEndPoint.TryParse(server, out var endPoint))
        {
            if (endPoint.Port == 0)
            {
                endPoint.Port = DefaultPort;
            }

            return endPoint;
        }

        // host or host:port (a bare IPv6 address parsed above; a host name has no colon but the port's).
        var host = server;
        var port = DefaultPort;
        var colon = server.LastIndexOf(':');
        if (colon > 0 && server.IndexOf(':', StringComparison.Ordinal) == colon)
        {
            if (!int.TryParse(server.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is 0 or > 65535)
            {
                await error.WriteLineAsync($"error: '{server}' has no valid port.").ConfigureAwait(false);
                return null;
            }

            host = server[..colon];
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            // Prefer IPv4: a host reachable over both answers the same way, and IPv4 is the common NAT case.
            var address = Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork) ?? (addresses.Length > 0 ? addresses[0] : null);
            if (address is null)
            {
                await error.WriteLineAsync($"error: '{host}' has no address.").ConfigureAwait(false);
                return null;
            }

            return new IPEndPoint(address, port);
        }
        catch (SocketException e)
        {
            await error.WriteLineAsync($"error: cannot resolve '{host}': {e.Message}").ConfigureAwait(false);
            return null;
        }
    }
}
