namespace Elara.Fast.Transport.Turn;

/// <summary>What an automatic refresh renewed.</summary>
public enum TurnRefreshKind : byte
{
    /// <summary>The allocation (Refresh request).</summary>
    Allocation,

    /// <summary>A permission (CreatePermission request).</summary>
    Permission,

    /// <summary>A channel binding (ChannelBind request).</summary>
    Channel,
}
