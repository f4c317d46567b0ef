namespace Elara.Fast.Transport.Stun;

/// <summary>A response that completed a client transaction: a private copy of its bytes (control plane).</summary>
public sealed class StunResponse
{
    internal StunResponse(byte[] message) => Message = message;

    /// <summary>The whole response message.</summary>
    public byte[] Message { get; }

    /// <summary>A reader over <see cref="Message"/> (validated when the response was accepted, so this always succeeds).</summary>
    public StunMessageReader Reader
    {
        get
        {
            StunMessageReader.TryParse(Message, out var reader, out _);
            return reader;
        }
    }

    /// <summary>The response's class: <see cref="StunClass.SuccessResponse"/> or <see cref="StunClass.ErrorResponse"/>.</summary>
    public StunClass Class => StunMessageType.ClassOf((ushort)((Message[0] << 8) | Message[1]));

    /// <summary>The ERROR-CODE of an error response, or 0.</summary>
    public int ErrorCode => Reader.TryGetErrorCode(out var code, out _) ? code : 0;

    /// <summary>The ERROR-CODE reason phrase, or an empty string.</summary>
    public string ErrorReason => Reader.TryGetErrorCode(out _, out var reason) ? System.Text.Encoding.UTF8.GetString(reason) : string.Empty;
}
