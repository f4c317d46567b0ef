using System.Security.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>
/// Noise HandshakeState (Noise rev 34, section 5.3) for <c>25519_ChaChaPoly_SHA256</c>: runs one side of a
/// pattern message by message, then <c>Split</c> gives the two direction secrets. Ephemeral keys can
/// be injected (test vectors); otherwise they are generated when the <c>e</c> token is written.
/// </summary>
/// <remarks>
/// <see cref="ReadMessage"/> is transactional: when a message fails (truncated, garbled, forged), the state is
/// restored to what it was before, so a stray or hostile datagram cannot kill a handshake in progress.
/// </remarks>
internal sealed class NoiseHandshakeState : IDisposable
{
    private const int KeyLength = NoiseKeyPair.KeyLength;

    /// <summary>The maximum Noise message length (section 3).</summary>
    public const int MaxMessageLength = 65535;

    private readonly NoisePattern _pattern;
    private readonly NoiseSymmetricState _symmetric = new();
    private readonly NoiseKeyPair? _localStatic;
    private readonly byte[] _remoteStatic = new byte[KeyLength];
    private readonly byte[] _remoteEphemeral = new byte[KeyLength];
    private NoiseKeyPair? _localEphemeral;
    private bool _ownsEphemeral;
    private bool _hasRemoteStatic;
    private bool _hasRemoteEphemeral;
    private NoiseSymmetricState? _snapshot;

    /// <summary>Initialize (section 5.3): mixes the protocol name, the prologue and the pre-message keys.</summary>
    /// <param name="pattern">The handshake pattern.</param>
    /// <param name="initiator">True on the side that sends the first message.</param>
    /// <param name="prologue">Data both sides must agree on (it is mixed into <c>h</c>).</param>
    /// <param name="localStatic">This side's static key pair, when the pattern uses one; not owned.</param>
    /// <param name="localEphemeral">An injected ephemeral key pair (tests); not owned. Null: generated.</param>
    /// <param name="remoteStatic">The peer's static public key when the pattern pre-shares it; else empty.</param>
    public NoiseHandshakeState(
        NoisePattern pattern,
        bool initiator,
        ReadOnlySpan<byte> prologue,
        NoiseKeyPair? localStatic,
        NoiseKeyPair? localEphemeral,
        ReadOnlySpan<byte> remoteStatic)
    {
        _pattern = pattern;
        IsInitiator = initiator;
        _localStatic = localStatic;
        _localEphemeral = localEphemeral;
        if (remoteStatic.Length == KeyLength)
        {
            remoteStatic.CopyTo(_remoteStatic);
            _hasRemoteStatic = true;
        }

        _symmetric.Initialize(pattern.ProtocolName);
        _symmetric.MixHash(prologue);

        // Pre-messages: the initiator's keys first, then the responder's (section 7.1).
        MixPreMessage(pattern.InitiatorPreMessage, localIsOwner: initiator);
        MixPreMessage(pattern.ResponderPreMessage, localIsOwner: !initiator);
    }

    /// <summary>True on the side that sent the first message.</summary>
    public bool IsInitiator { get; }

    /// <summary>The index of the next handshake message.</summary>
    public int MessageIndex { get; private set; }

    /// <summary>True once every handshake message was written or read.</summary>
    public bool IsFinished => MessageIndex >= _pattern.Messages.Length;

    /// <summary>True when the next message is this side's to write.</summary>
    public bool IsMyTurn => !IsFinished && ((MessageIndex % 2 == 0) == IsInitiator);

    /// <summary>The handshake hash <c>h</c>.</summary>
    public ReadOnlySpan<byte> HandshakeHash => _symmetric.HandshakeHash;

    /// <summary>The peer's static public key, once known (empty before).</summary>
    public ReadOnlySpan<byte> RemoteStaticPublicKey => _hasRemoteStatic ? _remoteStatic : ReadOnlySpan<byte>.Empty;

    /// <summary>The number of X25519 operations this state performed (load accounting and tests).</summary>
    public int DiffieHellmanCount { get; private set; }

    /// <summary>The length of the next message when it carries a payload of <paramref name="payloadLength"/> bytes.</summary>
    public int NextMessageLength(int payloadLength)
    {
        var length = 0;
        var hasKey = _symmetric.Cipher.HasKey;
        foreach (var token in _pattern.Messages[MessageIndex])
        {
            switch (token)
            {
                case NoiseToken.E:
                    length += KeyLength;
                    break;
                case NoiseToken.S:
                    length += KeyLength + (hasKey ? NoiseCipherState.TagLength : 0);
                    break;
                default:
                    hasKey = true;
                    break;
            }
        }

        return length + payloadLength + (hasKey ? NoiseCipherState.TagLength : 0);
    }

    /// <summary>WriteMessage: processes this side's next message tokens and encrypts <paramref name="payload"/>.</summary>
    public NoiseStatus WriteMessage(ReadOnlySpan<byte> payload, Span<byte> message, out int written)
    {
        written = 0;
        if (!IsMyTurn)
        {
            return NoiseStatus.WrongTurn;
        }

        var total = NextMessageLength(payload.Length);
        if (total > MaxMessageLength || message.Length < total)
        {
            return NoiseStatus.BufferTooSmall;
        }

        var offset = 0;
        foreach (var token in _pattern.Messages[MessageIndex])
        {
            var status = NoiseStatus.Ok;
            switch (token)
            {
                case NoiseToken.E:
                    if (_localEphemeral is null)
                    {
                        _localEphemeral = NoiseKeyPair.Generate();
                        _ownsEphemeral = true;
                    }

                    _localEphemeral.PublicKey.CopyTo(message[offset..]);
                    _symmetric.MixHash(_localEphemeral.PublicKey);
                    offset += KeyLength;
                    break;
                case NoiseToken.S:
                    if (_localStatic is null)
                    {
                        return NoiseStatus.WrongTurn;
                    }

                    status = _symmetric.EncryptAndHash(_localStatic.PublicKey, message[offset..], out var sWritten);
                    if (status != NoiseStatus.Ok)
                    {
                        return status;
                    }

                    offset += sWritten;
                    break;
                default:
                    status = MixDiffieHellman(token);
                    break;
            }

            if (status != NoiseStatus.Ok)
            {
                return status;
            }
        }

        var payloadStatus = _symmetric.EncryptAndHash(payload, message[offset..], out var payloadWritten);
        if (payloadStatus != NoiseStatus.Ok)
        {
            return payloadStatus;
        }

        written = offset + payloadWritten;
        MessageIndex++;
        return NoiseStatus.Ok;
    }

    /// <summary>ReadMessage: processes the peer's next message and decrypts its payload; on failure nothing changes.</summary>
    public NoiseStatus ReadMessage(ReadOnlySpan<byte> message, Span<byte> payload, out int written)
    {
        written = 0;
        if (IsFinished || IsMyTurn)
        {
            return NoiseStatus.WrongTurn;
        }

        if (message.Length > MaxMessageLength)
        {
            return NoiseStatus.BufferTooSmall;
        }

        var hadRemoteStatic = _hasRemoteStatic;
        var hadRemoteEphemeral = _hasRemoteEphemeral;
        _snapshot ??= new NoiseSymmetricState();
        _symmetric.CopyTo(_snapshot);

        var status = ReadMessageCore(message, payload, out written);
        if (status != NoiseStatus.Ok)
        {
            _snapshot.CopyTo(_symmetric);
            _hasRemoteStatic = hadRemoteStatic;
            _hasRemoteEphemeral = hadRemoteEphemeral;
            written = 0;
            return status;
        }

        MessageIndex++;
        return NoiseStatus.Ok;
    }

    /// <summary>
    /// Split: writes the initiator-to-responder and responder-to-initiator secrets (32 bytes each) once
    /// the handshake is finished.
    /// </summary>
    public NoiseStatus Split(Span<byte> initiatorToResponder, Span<byte> responderToInitiator)
    {
        if (!IsFinished)
        {
            return NoiseStatus.WrongTurn;
        }

        _symmetric.Split(initiatorToResponder, responderToInitiator);
        return NoiseStatus.Ok;
    }

    /// <summary>Split into two Noise cipher states (the transport phase of the published vectors).</summary>
    public NoiseStatus Split(NoiseCipherState initiatorToResponder, NoiseCipherState responderToInitiator)
    {
        Span<byte> first = stackalloc byte[KeyLength];
        Span<byte> second = stackalloc byte[KeyLength];
        var status = Split(first, second);
        if (status == NoiseStatus.Ok)
        {
            initiatorToResponder.InitializeKey(first);
            responderToInitiator.InitializeKey(second);
        }

        CryptographicOperations.ZeroMemory(first);
        CryptographicOperations.ZeroMemory(second);
        return status;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _symmetric.Dispose();
        _snapshot?.Dispose();
        if (_ownsEphemeral)
        {
            _localEphemeral?.Dispose();
        }
    }

    private NoiseStatus ReadMessageCore(ReadOnlySpan<byte> message, Span<byte> payload, out int written)
    {
        written = 0;
        var offset = 0;
        Span<byte> remoteStatic = stackalloc byte[KeyLength];
        foreach (var token in _pattern.Messages[MessageIndex])
        {
            var status = NoiseStatus.Ok;
            switch (token)
            {
                case NoiseToken.E:
                    if (message.Length - offset < KeyLength)
                    {
                        return NoiseStatus.Truncated;
                    }

                    message.Slice(offset, KeyLength).CopyTo(_remoteEphemeral);
                    _hasRemoteEphemeral = true;
                    _symmetric.MixHash(_remoteEphemeral);
                    offset += KeyLength;
                    break;
                case NoiseToken.S:
                    var length = KeyLength + (_symmetric.Cipher.HasKey ? NoiseCipherState.TagLength : 0);
                    if (message.Length - offset < length)
                    {
                        return NoiseStatus.Truncated;
                    }

                    status = _symmetric.DecryptAndHash(message.Slice(offset, length), remoteStatic, out _);
                    if (status != NoiseStatus.Ok)
                    {
                        return status;
                    }

                    remoteStatic.CopyTo(_remoteStatic);
                    _hasRemoteStatic = true;
                    offset += length;
                    break;
                default:
                    status = MixDiffieHellman(token);
                    break;
            }

            if (status != NoiseStatus.Ok)
            {
                return status;
            }
        }

        var rest = message[offset..];
        if (_symmetric.Cipher.HasKey && rest.Length < NoiseCipherState.TagLength)
        {
            return NoiseStatus.Truncated;
        }

        return _symmetric.DecryptAndHash(rest, payload, out written);
    }

    private NoiseStatus MixDiffieHellman(NoiseToken token)
    {
        // ee, es, se, ss name (initiator key, responder key); each side picks its own half (section 5.3).
        NoiseKeyPair? local;
        ReadOnlySpan<byte> remote;
        bool hasRemote;
        switch (token)
        {
            case NoiseToken.EE:
                local = _localEphemeral;
                remote = _remoteEphemeral;
                hasRemote = _hasRemoteEphemeral;
                break;
            case NoiseToken.ES:
                local = IsInitiator ? _localEphemeral : _localStatic;
                remote = IsInitiator ? _remoteStatic : _remoteEphemeral;
                hasRemote = IsInitiator ? _hasRemoteStatic : _hasRemoteEphemeral;
                break;
            case NoiseToken.SE:
                local = IsInitiator ? _localStatic : _localEphemeral;
                remote = IsInitiator ? _remoteEphemeral : _remoteStatic;
                hasRemote = IsInitiator ? _hasRemoteEphemeral : _hasRemoteStatic;
                break;
            default:
                local = _localStatic;
                remote = _remoteStatic;
                hasRemote = _hasRemoteStatic;
                break;
        }

        if (local is null || !hasRemote)
        {
            return NoiseStatus.WrongTurn;
        }

        DiffieHellmanCount++;
        Span<byte> shared = stackalloc byte[KeyLength];
        if (!local.TryAgree(remote, shared))
        {
            return NoiseStatus.InvalidPublicKey;
        }

        _symmetric.MixKey(shared);
        CryptographicOperations.ZeroMemory(shared);
        return NoiseStatus.Ok;
    }

    private void MixPreMessage(NoiseToken[] tokens, bool localIsOwner)
    {
        foreach (var token in tokens)
        {
            // Only "s" occurs in the pre-messages of the patterns defined here.
            if (token != NoiseToken.S)
            {
                continue;
            }

            if (localIsOwner)
            {
                if (_localStatic is not null)
                {
                    _symmetric.MixHash(_localStatic.PublicKey);
                }
            }
            else
            {
                _symmetric.MixHash(_remoteStatic);
            }
        }
    }
}
