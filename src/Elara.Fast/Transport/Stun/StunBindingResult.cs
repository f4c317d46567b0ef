namespace Elara.Fast.Transport.Stun;

/// <summary>The outcome of a Binding transaction: the reflexive address, or why there is none.</summary>
public readonly struct StunBindingResult
{
    internal StunBindingResult(StunTransactionStatus status, StunAddress mappedAddress, int errorCode, string errorReason, int transmissions)
    {
        Status = status;
        MappedAddress = mappedAddress;
        ErrorCode = errorCode;
        ErrorReason = errorReason;
        Transmissions = transmissions;
    }

    /// <summary>How the transaction ended.</summary>
    public StunTransactionStatus Status { get; }

    /// <summary>The reflexive transport address (default unless <see cref="IsSuccess"/>).</summary>
    public StunAddress MappedAddress { get; }

    /// <summary>The ERROR-CODE of an error response, or 0.</summary>
    public int ErrorCode { get; }

    /// <summary>The error's reason phrase, or why a success response was unusable.</summary>
    public string ErrorReason { get; }

    /// <summary>How many times the request was sent.</summary>
    public int Transmissions { get; }

    /// <summary>True when a mapped address was obtained.</summary>
    public bool IsSuccess => Status == StunTransactionStatus.Response && MappedAddress.AddressLength > 0;
}
