namespace Elara.Fast.Transport.Stun;

/// <summary>The class bits C1 C0 of a STUN message type (RFC 8489 §5).</summary>
public enum StunClass : byte
{
    /// <summary>A request: expects a response.</summary>
    Request = 0b00,

    /// <summary>An indication: no response.</summary>
    Indication = 0b01,

    /// <summary>A success response.</summary>
    SuccessResponse = 0b10,

    /// <summary>An error response (carries ERROR-CODE).</summary>
    ErrorResponse = 0b11,
}
