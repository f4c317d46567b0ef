namespace Elara.Fast.Transport.Stun;

/// <summary>How a STUN client transaction ended.</summary>
public enum StunTransactionStatus : byte
{
    /// <summary>A response (success or error) with the transaction's id arrived.</summary>
    Response = 0,

    /// <summary>No response after Rc transmissions and the final wait (RFC 8489 §6.2.1).</summary>
    TimedOut,

    /// <summary>The caller's token was cancelled or the client was disposed.</summary>
    Cancelled,

    /// <summary>Too many transactions in flight; the request was not sent.</summary>
    TooManyPending,

    /// <summary>The request is not a STUN request (so no response could ever match it).</summary>
    InvalidRequest,
}
