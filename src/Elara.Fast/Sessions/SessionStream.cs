using Elara.Fast.Primitives;

namespace Elara.Fast.Sessions;

/// <summary>What a stream carries.</summary>
public enum StreamKind : byte
{
    /// <summary>Chat messages, edits, reactions, typing.</summary>
    Text = 0,

    /// <summary>Voice frames.</summary>
    Voice = 1,

    /// <summary>Video keyframes and deltas.</summary>
    Visual = 2,

    /// <summary>Availability and status.</summary>
    Presence = 3,
}

/// <summary>A stream of a session: who owns it, what it carries, and where it is in its lifecycle.</summary>
/// <param name="StreamId">The stream's id within the session.</param>
/// <param name="Owner">The node that started it.</param>
/// <param name="Kind">What it carries.</param>
public sealed record SessionStream(StreamId StreamId, NodeId Owner, StreamKind Kind);
