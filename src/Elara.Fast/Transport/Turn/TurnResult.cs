namespace Elara.Fast.Transport.Turn;

/// <summary>The outcome of a TURN operation: success with its details, or a typed error.</summary>
public readonly struct TurnResult
{
    private TurnResult(TurnError error, int stunErrorCode, string reason, TimeSpan lifetime, ushort channel)
    {
        Error = error;
        StunErrorCode = stunErrorCode;
        Reason = reason;
        Lifetime = lifetime;
        Channel = channel;
    }

    /// <summary><see cref="TurnError.None"/> on success.</summary>
    public TurnError Error { get; }

    /// <summary>The server's ERROR-CODE when it answered with an error, else 0.</summary>
    public int StunErrorCode { get; }

    /// <summary>A human-readable explanation of the failure (empty on success).</summary>
    public string Reason { get; }

    /// <summary>The lifetime the server granted (Allocate, Refresh).</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>The bound channel number (ChannelBind).</summary>
    public ushort Channel { get; }

    /// <summary>True when the operation succeeded.</summary>
    public bool IsSuccess => Error == TurnError.None;

    internal static TurnResult Success(TimeSpan lifetime = default, ushort channel = 0) => new(TurnError.None, 0, string.Empty, lifetime, channel);

    internal static TurnResult Failure(TurnError error, string reason, int stunErrorCode = 0) => new(error, stunErrorCode, reason, default, 0);

    /// <summary>"ok" or the error, code and reason.</summary>
    public override string ToString() => IsSuccess
        ? "ok"
        : StunErrorCode != 0 ? $"{Error} ({StunErrorCode}): {Reason}" : $"{Error}: {Reason}";
}
