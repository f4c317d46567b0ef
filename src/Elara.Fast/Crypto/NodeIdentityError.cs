namespace Elara.Fast.Crypto;

/// <summary>Why a node identity file could not be loaded or saved.</summary>
public enum NodeIdentityError
{
    /// <summary>The file does not exist.</summary>
    NotFound,

    /// <summary>The file exists and overwriting was not asked for.</summary>
    AlreadyExists,

    /// <summary>The secret key file is readable or writable by its group or by others (it must be 0600 or stricter).</summary>
    InsecurePermissions,

    /// <summary>The file is not an identity file of a known version, or a key in it is malformed.</summary>
    Malformed,

    /// <summary>A public key or node id written in the file does not match its secret key.</summary>
    KeyMismatch,

    /// <summary>The file system refused the operation (permissions, missing directory, I/O error).</summary>
    IOError,
}
