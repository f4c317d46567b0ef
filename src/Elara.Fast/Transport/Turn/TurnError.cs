namespace Elara.Fast.Transport.Turn;

/// <summary>Why a TURN operation failed.</summary>
public enum TurnError : byte
{
    /// <summary>It succeeded.</summary>
    None = 0,

    /// <summary>The server did not answer (RFC 8489 §6.2.1 retransmissions exhausted).</summary>
    TimedOut,

    /// <summary>The caller cancelled, or the client was disposed.</summary>
    Cancelled,

    /// <summary>The server rejected the username/password (401 to an authenticated request, or 441).</summary>
    CredentialsRejected,

    /// <summary>The server kept answering 438 Stale Nonce or 401 with a new nonce.</summary>
    NonceNotAccepted,

    /// <summary>The server answered with another error code (see <see cref="TurnResult.StunErrorCode"/>).</summary>
    ServerError,

    /// <summary>A response lacked an attribute the operation needs (e.g. XOR-RELAYED-ADDRESS).</summary>
    MalformedResponse,

    /// <summary>The operation needs an allocation and there is none.</summary>
    NotAllocated,

    /// <summary>All 4096 channel numbers are in use.</summary>
    NoChannelAvailable,

    /// <summary>The request (with the server's realm and nonce) does not fit in a request buffer.</summary>
    RequestTooLarge,

    /// <summary>Too many STUN transactions in flight.</summary>
    TooManyPending,
}
