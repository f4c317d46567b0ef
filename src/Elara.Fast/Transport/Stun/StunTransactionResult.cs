namespace Elara.Fast.Transport.Stun;

/// <summary>The outcome of one STUN client transaction.</summary>
public readonly struct StunTransactionResult
{
    internal StunTransactionResult(StunTransactionStatus status, StunResponse? response, int transmissions)
    {
        Status = status;
        Response = response;
        Transmissions = transmissions;
    }

    /// <summary>How the transaction ended.</summary>
    public StunTransactionStatus Status { get; }

    /// <summary>The response when <see cref="Status"/> is <see cref="StunTransactionStatus.Response"/>.</summary>
    public StunResponse? Response { get; }

    /// <summary>How many times the request was sent.</summary>
    public int Transmissions { get; }

    /// <summary>True for a success response.</summary>
    public bool IsSuccess => Response is { Class: StunClass.SuccessResponse };
}
