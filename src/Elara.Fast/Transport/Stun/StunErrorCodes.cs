namespace Elara.Fast.Transport.Stun;

/// <summary>STUN/TURN error codes this engine reacts to (RFC 8489 §14.8, RFC 8656 §19).</summary>
public static class StunErrorCodes
{
    /// <summary>300 Try Alternate.</summary>
    public const int TryAlternate = 300;

    /// <summary>400 Bad Request.</summary>
    public const int BadRequest = 400;

    /// <summary>401 Unauthenticated: send credentials (REALM and NONCE are in the response).</summary>
    public const int Unauthenticated = 401;

    /// <summary>403 Forbidden.</summary>
    public const int Forbidden = 403;

    /// <summary>420 Unknown Attribute.</summary>
    public const int UnknownAttribute = 420;

    /// <summary>437 Allocation Mismatch.</summary>
    public const int AllocationMismatch = 437;

    /// <summary>438 Stale Nonce: retry with the NONCE in the response.</summary>
    public const int StaleNonce = 438;

    /// <summary>441 Wrong Credentials.</summary>
    public const int WrongCredentials = 441;

    /// <summary>442 Unsupported Transport Protocol.</summary>
    public const int UnsupportedTransportProtocol = 442;

    /// <summary>486 Allocation Quota Reached.</summary>
    public const int AllocationQuotaReached = 486;

    /// <summary>508 Insufficient Capacity.</summary>
    public const int InsufficientCapacity = 508;
}
