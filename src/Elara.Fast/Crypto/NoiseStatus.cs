namespace Elara.Fast.Crypto;

/// <summary>The outcome of one Noise operation; anything but <see cref="Ok"/> aborts the handshake.</summary>
internal enum NoiseStatus : byte
{
    /// <summary>The operation succeeded.</summary>
    Ok,

    /// <summary>The message is shorter than its tokens require.</summary>
    Truncated,

    /// <summary>An AEAD tag did not verify (garbled message, wrong key, or a message for another handshake).</summary>
    DecryptFailed,

    /// <summary>A Diffie-Hellman with the peer's public key failed (low-order point: all-zero output).</summary>
    InvalidPublicKey,

    /// <summary>The output buffer is too small, or a message would pass the Noise maximum of 65535 bytes.</summary>
    BufferTooSmall,

    /// <summary>It is not this side's turn to write (or read), or the handshake is already finished.</summary>
    WrongTurn,

    /// <summary>The 64-bit nonce is exhausted (Noise rev 34, section 5.1).</summary>
    NonceExhausted,
}
