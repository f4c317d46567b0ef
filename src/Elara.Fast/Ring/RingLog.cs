using Microsoft.Extensions.Logging;

namespace Elara.Fast.Ring;

/// <summary>Log messages of the ring (event ids 4000-4099).</summary>
internal static partial class RingLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Event handler threw at sequence {Sequence}; the processor continues with the next event")]
    public static partial void EventHandlerFailed(ILogger logger, Exception exception, long sequence);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Event handler callback {Callback} threw; the processor continues")]
    public static partial void CallbackFailed(ILogger logger, Exception exception, string callback);
}
