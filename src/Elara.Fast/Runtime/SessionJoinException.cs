using Elara.Fast.Primitives;

namespace Elara.Fast.Runtime;

/// <summary>A join that did not succeed: refused by the other side (with its reason), or never answered.</summary>
public sealed class SessionJoinException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SessionJoinException(SessionId session, LeaveReason reason, string message)
        : base(message)
    {
        Session = session;
        Reason = reason;
    }

    /// <summary>The session that was not joined.</summary>
    public SessionId Session { get; }

    /// <summary>Why.</summary>
    public LeaveReason Reason { get; }
}
