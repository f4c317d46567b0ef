namespace Elara.Fast.Crypto;

/// <summary>Timers and bounds of the handshake (docs/handshake.md says why each default is what it is).</summary>
internal sealed record HandshakeOptions
{
    /// <summary>The clock for retransmission, expiry, rate limits and cookie rotation.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The initiator's first retransmission delay; each further one doubles it.</summary>
    public TimeSpan InitialRetransmitDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The cap on the retransmission delay.</summary>
    public TimeSpan MaxRetransmitDelay { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Initiations an initiator sends in one attempt (first send, retransmissions and cookie retries).</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>Half-open XX handshakes the responder keeps; past this the oldest is evicted.</summary>
    public int HalfOpenCapacity { get; init; } = 1024;

    /// <summary>At this many half-open handshakes the responder is under load and answers with cookies.</summary>
    public int CookieThreshold { get; init; } = 128;

    /// <summary>A half-open handshake older than this is dropped.</summary>
    public TimeSpan HalfOpenTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Initiations per second each source address may cost (WireGuard: 20).</summary>
    public double InitiationsPerSecondPerSource { get; init; } = 20;

    /// <summary>Burst of initiations per source address (WireGuard: 5).</summary>
    public int InitiationBurstPerSource { get; init; } = 5;

    /// <summary>Source addresses the rate limiter tracks; an unknown source when it is full counts as over its rate.</summary>
    public int RateLimiterCapacity { get; init; } = 4096;

    /// <summary>Initiations per second the responder does Diffie-Hellman for without a cookie, all sources together.</summary>
    public double InitiationsPerSecond { get; init; } = 2000;

    /// <summary>Burst of the global initiation budget.</summary>
    public int InitiationBurst { get; init; } = 256;

    /// <summary>How long a cookie secret lives (WireGuard: 120 s).</summary>
    public TimeSpan CookieSecretLifetime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Peers whose last initiation timestamp the responder remembers (replay protection).</summary>
    public int ReplayTableCapacity { get; init; } = 4096;

    /// <summary>The longest source address, in bytes (an IPv6 address and a port).</summary>
    public const int MaxSourceAddressLength = 18;
}
