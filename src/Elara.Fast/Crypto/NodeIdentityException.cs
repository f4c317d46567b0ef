namespace Elara.Fast.Crypto;

/// <summary>A node identity file could not be loaded or saved; <see cref="Error"/> says why.</summary>
public sealed class NodeIdentityException : Exception
{
    /// <summary>Creates an exception with a reason, a message and the file concerned.</summary>
    public NodeIdentityException(NodeIdentityError error, string message, string? path = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Path = path;
    }

    /// <summary>Creates an exception with <see cref="NodeIdentityError.Malformed"/>.</summary>
    public NodeIdentityException()
        : this(NodeIdentityError.Malformed, "The node identity is malformed.")
    {
    }

    /// <summary>Creates an exception with <see cref="NodeIdentityError.Malformed"/> and a message.</summary>
    public NodeIdentityException(string message)
        : this(NodeIdentityError.Malformed, message)
    {
    }

    /// <summary>Creates an exception with <see cref="NodeIdentityError.Malformed"/>, a message and a cause.</summary>
    public NodeIdentityException(string message, Exception innerException)
        : this(NodeIdentityError.Malformed, message, null, innerException)
    {
    }

    /// <summary>Why the operation failed.</summary>
    public NodeIdentityError Error { get; }

    /// <summary>The file concerned, when there is one.</summary>
    public string? Path { get; }
}
