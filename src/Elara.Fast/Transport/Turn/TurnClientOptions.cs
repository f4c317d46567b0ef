using Elara.Fast.Transport.Stun;

namespace Elara.Fast.Transport.Turn;

/// <summary>Settings of a <see cref="TurnClient"/>.</summary>
public sealed class TurnClientOptions
{
    /// <summary>Long-term credential username (RFC 8489 §9.2).</summary>
    public required string Username { get; init; }

    /// <summary>Long-term credential password.</summary>
    public required string Password { get; init; }

    /// <summary>LIFETIME asked for in Allocate and Refresh; the server may grant less (RFC 8656 §7.2: default 600 s).</summary>
    public TimeSpan RequestedLifetime { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>Fraction of the granted lifetime after which the allocation is refreshed (keep-alive before expiry).</summary>
    public double RefreshFraction { get; init; } = 0.8;

    /// <summary>How often installed permissions are renewed; they expire after 300 s (RFC 8656 §9).</summary>
    public TimeSpan PermissionRefreshInterval { get; init; } = TimeSpan.FromSeconds(240);

    /// <summary>How often channel bindings are renewed; they expire after 600 s (RFC 8656 §12).</summary>
    public TimeSpan ChannelRefreshInterval { get; init; } = TimeSpan.FromSeconds(480);

    /// <summary>How long <see cref="TurnClient.DisposeAsync"/> waits for the deallocating Refresh.</summary>
    public TimeSpan DeallocateTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>SOFTWARE sent in requests, or null for none.</summary>
    public string? Software { get; init; } = "Elara.Fast";

    /// <summary>Retransmission settings and the clock (shared by the refresh timers).</summary>
    public StunClientOptions Stun { get; init; } = new();

    /// <summary>Called after each automatic refresh (allocation, permission, channel) with its outcome: a hook for logs and tests.</summary>
    public Action<TurnRefreshKind, TurnResult>? RefreshCompleted { get; init; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Username);
        ArgumentNullException.ThrowIfNull(Password);
        _ = OpaqueString.Prepare(Password, nameof(Password));   // refused here, not at the first 401
        ArgumentNullException.ThrowIfNull(Stun);
        ArgumentOutOfRangeException.ThrowIfLessThan(RequestedLifetime, TimeSpan.Zero, nameof(RequestedLifetime));
        if (RefreshFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshFraction), RefreshFraction, "must be between 0 and 1");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PermissionRefreshInterval, TimeSpan.Zero, nameof(PermissionRefreshInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ChannelRefreshInterval, TimeSpan.Zero, nameof(ChannelRefreshInterval));
    }
}
