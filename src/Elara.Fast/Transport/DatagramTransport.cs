using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Elara.Fast.Transport;

/// <summary>Creates the socket implementation of the network seam that fits the platform and the options.</summary>
public static class DatagramTransport
{
    /// <summary>
    /// Opens and binds the socket(s) and returns the transport: <see cref="LinuxBatchTransport"/> on Linux (unless
    /// <see cref="SocketTransportOptions.Mode"/> says <see cref="SocketTransportMode.Portable"/>), falling back to
    /// <see cref="PortableSocketTransport"/> with a warning when the batch calls are unavailable in
    /// <see cref="SocketTransportMode.Automatic"/> mode.
    /// </summary>
    public static IDatagramTransport Create(SocketTransportOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var group = UdpSocketGroup.Open(options, logger);
        try
        {
            IDatagramTransport transport = options.Mode switch
            {
                SocketTransportMode.Portable => new PortableSocketTransport(group, options, logger),
                SocketTransportMode.LinuxKernelBatch => new LinuxBatchTransport(group, options, logger),
                _ => CreateAutomatic(group, options, logger),
            };
            TransportLog.Bound(logger, transport.GetType().Name, transport.LocalEndPoint, group.Sockets.Length, group.Sockets[0].DualMode);
            return transport;
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    private static IDatagramTransport CreateAutomatic(UdpSocketGroup group, SocketTransportOptions options, ILogger logger)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new PortableSocketTransport(group, options, logger);
        }

        if (!LinuxBatchProbe.IsAvailable(out var reason))
        {
            TransportLog.FallingBackToPortable(logger, reason);
            return new PortableSocketTransport(group, options, logger);
        }

        return new LinuxBatchTransport(group, options, logger);
    }
}
