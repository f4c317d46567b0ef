namespace Elara.Fast.Transport.Stun;

/// <summary>Retransmission settings of STUN client transactions over UDP (RFC 8489 §6.2.1).</summary>
public sealed class StunClientOptions
{
    /// <summary>First retransmission timeout; doubles after each retransmission. RFC 8489 recommends 500 ms (and ≥ 500 ms on the open Internet).</summary>
    public TimeSpan InitialRto { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Rc: how many times a request is sent in total (RFC 8489 default 7).</summary>
    public int MaxTransmissions { get; init; } = 7;

    /// <summary>Rm: after the last send, wait this many initial RTOs for a response (RFC 8489 default 16).</summary>
    public int FinalWaitMultiplier { get; init; } = 16;

    /// <summary>Transactions in flight at once; a request beyond it fails at once with <see cref="StunTransactionStatus.TooManyPending"/>.</summary>
    public int MaxPendingTransactions { get; init; } = 64;

    /// <summary>The clock that drives retransmissions (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialRto, TimeSpan.Zero, nameof(InitialRto));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTransmissions, 1, nameof(MaxTransmissions));
        ArgumentOutOfRangeException.ThrowIfLessThan(FinalWaitMultiplier, 1, nameof(FinalWaitMultiplier));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingTransactions, 1, nameof(MaxPendingTransactions));
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
