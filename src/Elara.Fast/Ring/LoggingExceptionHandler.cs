using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Elara.Fast.Ring;

/// <summary>The default exception handler: logs the exception (when a logger is given), counts it, and lets the processor continue.</summary>
/// <typeparam name="T">The ring entry type.</typeparam>
public sealed class LoggingExceptionHandler<T> : IExceptionHandler<T>
    where T : struct
{
    private readonly ILogger _logger;

    // Counters shared by every processor of a graph: Interlocked increments (several processor threads may fail at
    // once), Volatile reads from monitoring threads.
    private long _eventExceptions;
    private long _callbackExceptions;

    // Reference write is atomic; the last writer wins, which is all a diagnostic needs.
    private Exception? _lastException;

    /// <summary>Creates the handler; <paramref name="logger"/> may be <see langword="null"/> (count only).</summary>
    public LoggingExceptionHandler(ILogger? logger = null) => _logger = logger ?? NullLogger.Instance;

    /// <summary>Handler exceptions so far.</summary>
    public long EventExceptionCount => Volatile.Read(ref _eventExceptions);

    /// <summary>Callback exceptions so far (batch start, timeout, start, shutdown).</summary>
    public long CallbackExceptionCount => Volatile.Read(ref _callbackExceptions);

    /// <summary>The most recent exception, or <see langword="null"/>.</summary>
    public Exception? LastException => Volatile.Read(ref _lastException);

    /// <inheritdoc />
    public void HandleEventException(Exception exception, long sequence, ref T entry)
    {
        Interlocked.Increment(ref _eventExceptions);
        Volatile.Write(ref _lastException, exception);
        RingLog.EventHandlerFailed(_logger, exception, sequence);
    }

    /// <inheritdoc />
    public void HandleCallbackException(Exception exception, string callback)
    {
        Interlocked.Increment(ref _callbackExceptions);
        Volatile.Write(ref _lastException, exception);
        RingLog.CallbackFailed(_logger, exception, callback);
    }
}
