using System.Net;
using Elara.Fast.Primitives;
using Microsoft.Extensions.Logging;

namespace Elara.Fast.Runtime;

/// <summary>The node's log messages, with stable event ids (3000–3099).</summary>
internal static partial class NodeLog
{
    [LoggerMessage(3000, LogLevel.Information, "Node {NodeId} bound {EndPoint} ({Transport}, ring {RingSize})")]
    public static partial void Started(ILogger logger, NodeId nodeId, IPEndPoint endPoint, string transport, int ringSize);

    [LoggerMessage(3001, LogLevel.Information, "Node {NodeId} stopped")]
    public static partial void Stopped(ILogger logger, NodeId nodeId);

    [LoggerMessage(3002, LogLevel.Information, "Session {Session} created")]
    public static partial void SessionCreated(ILogger logger, SessionId session);

    [LoggerMessage(3003, LogLevel.Information, "Joined session {Session} through {Contact} ({Participants} participants)")]
    public static partial void SessionJoined(ILogger logger, SessionId session, NodeId contact, int participants);

    [LoggerMessage(3004, LogLevel.Information, "Participant {Peer} joined session {Session} from {EndPoint}")]
    public static partial void ParticipantJoined(ILogger logger, NodeId peer, SessionId session, IPEndPoint? endPoint);

    [LoggerMessage(3005, LogLevel.Information, "Participant {Peer} left session {Session} ({Reason})")]
    public static partial void ParticipantLeft(ILogger logger, NodeId peer, SessionId session, LeaveReason reason);

    [LoggerMessage(3006, LogLevel.Warning, "Participant {Peer} of session {Session} timed out (silent for {Silence})")]
    public static partial void ParticipantTimedOut(ILogger logger, NodeId peer, SessionId session, TimeSpan silence);

    [LoggerMessage(3007, LogLevel.Warning, "Refused {Peer} in session {Session}: {Reason}")]
    public static partial void Refused(ILogger logger, NodeId peer, SessionId session, LeaveReason reason);

    [LoggerMessage(3008, LogLevel.Warning, "Join of session {Session} failed: {Reason}")]
    public static partial void JoinFailed(ILogger logger, SessionId session, string reason);

    [LoggerMessage(3009, LogLevel.Information, "Degradation level of the node changed from {From} to {To}")]
    public static partial void LevelChanged(ILogger logger, DegradationLevel from, DegradationLevel to);

    // The peer is a structured argument, not an interpolated string: the message is only formatted when enabled.
    [LoggerMessage(3015, LogLevel.Information, "Degradation level of the link to {Peer} changed from {From} to {To}")]
    public static partial void LinkLevelChanged(ILogger logger, NodeId peer, DegradationLevel from, DegradationLevel to);

    [LoggerMessage(3010, LogLevel.Information, "Peer {Peer} of session {Session} roamed to {EndPoint}")]
    public static partial void Roamed(ILogger logger, NodeId peer, SessionId session, IPEndPoint? endPoint);

    [LoggerMessage(3011, LogLevel.Debug, "Rekeyed the link to {Peer} in session {Session}")]
    public static partial void Rekeyed(ILogger logger, NodeId peer, SessionId session);

    [LoggerMessage(3012, LogLevel.Error, "The frame handler threw; the frame is dropped and the loop goes on")]
    public static partial void HandlerFaulted(ILogger logger, Exception exception);

    [LoggerMessage(3013, LogLevel.Error, "A node command failed")]
    public static partial void CommandFaulted(ILogger logger, Exception exception);

    [LoggerMessage(3014, LogLevel.Debug, "Handshake with {EndPoint} for session {Session} failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, IPEndPoint? endPoint, SessionId session, string reason);
}
