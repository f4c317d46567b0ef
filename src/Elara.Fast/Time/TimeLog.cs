using Microsoft.Extensions.Logging;

namespace Elara.Fast.Time;

/// <summary>The time engine's log messages, with stable event ids (800–899).</summary>
internal static partial class TimeLog
{
    [LoggerMessage(EventId = 800, Level = LogLevel.Warning,
        Message = "τs stepped forward by {StepTicks} ticks (error above the {ThresholdTicks}-tick step threshold)")]
    public static partial void StateClockStepped(ILogger logger, long stepTicks, long thresholdTicks);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information,
        Message = "τs is {ErrorTicks} ticks ahead of the consensus; slewing back at the bounded rate")]
    public static partial void StateClockSlewingBack(ILogger logger, long errorTicks);

    [LoggerMessage(EventId = 802, Level = LogLevel.Warning,
        Message = "Peer {Peer} clock moved by {JumpTicks} ticks; its offset filter restarted")]
    public static partial void PeerClockJumped(ILogger logger, ulong peer, long jumpTicks);
}
