namespace Elara.Fast.Crypto;

/// <summary>The outcome of <see cref="SecureChannel.Seal"/>; counted by value like <see cref="OpenStatus"/>.</summary>
public enum SealStatus : byte
{
    /// <summary>Header fields written, payload encrypted in place, tag written.</summary>
    Ok = 0,

    /// <summary>The span is not a frame the channel can seal: header length out of range, over 1400 bytes, or an unknown class.</summary>
    InvalidFrame,

    /// <summary>The class has used every epoch of this key generation: a rekey is required before more frames can be sent.</summary>
    KeysExhausted,

    /// <summary>The channel was disposed.</summary>
    Disposed,
}
