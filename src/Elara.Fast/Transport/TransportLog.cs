using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Elara.Fast.Transport;

/// <summary>The transport's log messages, with stable event ids (1000–1099).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(1000, LogLevel.Information, "UDP transport {Mode} bound to {LocalEndPoint} with {SocketCount} socket(s), dual-mode {DualMode}")]
    public static partial void Bound(ILogger logger, string mode, IPEndPoint localEndPoint, int socketCount, bool dualMode);

    [LoggerMessage(1001, LogLevel.Information, "Socket {SocketIndex}: SO_RCVBUF requested {RequestedReceive} effective {EffectiveReceive} bytes, SO_SNDBUF requested {RequestedSend} effective {EffectiveSend} bytes")]
    public static partial void BufferSizes(ILogger logger, int socketIndex, int? requestedReceive, int effectiveReceive, int? requestedSend, int effectiveSend);

    [LoggerMessage(1002, LogLevel.Warning, "Receive error {Error} on socket {SocketIndex} ({Count} so far); the loop continues")]
    public static partial void ReceiveError(ILogger logger, SocketError error, int socketIndex, long count);

    [LoggerMessage(1003, LogLevel.Warning, "Send error {Error} ({Count} so far); the datagram is dropped")]
    public static partial void SendError(ILogger logger, SocketError error, long count);

    [LoggerMessage(1004, LogLevel.Warning, "The Linux batch transport could not start ({Reason}); falling back to the portable transport")]
    public static partial void FallingBackToPortable(ILogger logger, string reason);

    [LoggerMessage(1005, LogLevel.Debug, "Receive loop {SocketIndex} stopped")]
    public static partial void ReceiveLoopStopped(ILogger logger, int socketIndex);

    [LoggerMessage(1006, LogLevel.Error, "Receive loop {SocketIndex} failed unexpectedly; it is restarted")]
    public static partial void ReceiveLoopFaulted(ILogger logger, Exception exception, int socketIndex);

    [LoggerMessage(1007, LogLevel.Error, "The Transmit stage failed to send a batch")]
    public static partial void TransmitFaulted(ILogger logger, Exception exception);

    /// <summary>Counts a datagram the network refused (and the error), logging a sample.</summary>
    public static void CountSendFailure(ILogger logger, TransportCounters counters, SocketError error)
    {
        counters.AddDropped(DropReason.SendFailed);
        var count = counters.AddError(error);
        if (ShouldLog(count))
        {
            SendError(logger, error, count);
        }
    }

    /// <summary>Counts a receive error the loop survived, logging a sample.</summary>
    public static void CountReceiveFailure(ILogger logger, TransportCounters counters, SocketError error, int socketIndex)
    {
        var count = counters.AddError(error);
        if (ShouldLog(count))
        {
            ReceiveError(logger, error, socketIndex, count);
        }
    }

    /// <summary>Logs the 1st, 2nd, 4th, 8th… occurrence only, so an error storm cannot flood the log.</summary>
    public static bool ShouldLog(long count) => (count & (count - 1)) == 0;
}
