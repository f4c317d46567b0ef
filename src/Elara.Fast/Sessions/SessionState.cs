namespace Elara.Fast.Sessions;

/// <summary>Where a session stands on this node.</summary>
public enum SessionState
{
    /// <summary>Handshaking with the contact and waiting for the session's answer.</summary>
    Joining = 0,

    /// <summary>Joined: frames flow to and from every participant.</summary>
    Active = 1,

    /// <summary>Joined, but the node or a participant link is at degradation level L1 or above.</summary>
    Degraded = 2,

    /// <summary>Saying goodbye to the participants.</summary>
    Leaving = 3,

    /// <summary>Left, refused or closed: nothing more flows.</summary>
    Closed = 4,
}
