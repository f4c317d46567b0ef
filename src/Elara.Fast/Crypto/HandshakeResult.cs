using System.Security.Cryptography;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>
/// What a finished handshake hands to the data path: the two 32-byte direction secrets from Noise
/// <c>Split()</c>, oriented for this side, and the authenticated peer (its NodeId, Ed25519 identity key and Noise
/// static key). <see cref="CreateChannel"/> builds the peer's <see cref="SecureChannel"/>;
/// <see cref="RekeyChannel"/> moves an existing channel onto these secrets. Dispose zeroes the secrets.
/// </summary>
internal sealed class HandshakeResult : IDisposable
{
    private readonly byte[] _sendSecret = new byte[32];
    private readonly byte[] _receiveSecret = new byte[32];

    public HandshakeResult(
        NoiseHandshakeState state,
        HandshakePattern pattern,
        SessionId session,
        NodeId localNode,
        ReadOnlySpan<byte> remoteIdentityKey,
        uint localIndex,
        uint remoteIndex,
        bool readLastMessage)
    {
        Pattern = pattern;
        Session = session;
        LocalNode = localNode;
        IsInitiator = state.IsInitiator;
        RemoteIdentityKey = remoteIdentityKey[..NodeIdentity.PublicKeyLength].ToArray();
        RemoteNode = NodeId.FromPublicKey(RemoteIdentityKey);
        RemoteStaticKey = state.RemoteStaticPublicKey.ToArray();
        HandshakeHash = state.HandshakeHash.ToArray();
        LocalIndex = localIndex;
        RemoteIndex = remoteIndex;

        // The side that read the last handshake message knows its peer holds the keys and switches at once;
        // the side that wrote it waits for the first frame under them (KeyActivation).
        Activation = readLastMessage ? KeyActivation.Immediate : KeyActivation.OnPeerConfirmation;
        var status = IsInitiator ? state.Split(_sendSecret, _receiveSecret) : state.Split(_receiveSecret, _sendSecret);
        if (status != NoiseStatus.Ok)
        {
            ThrowHelper.ThrowInvalidOperation("The handshake is not finished.");
        }
    }

    public HandshakePattern Pattern { get; }

    public SessionId Session { get; }

    public bool IsInitiator { get; }

    public NodeId LocalNode { get; }

    /// <summary>The peer's node id: the fingerprint of <see cref="RemoteIdentityKey"/>.</summary>
    public NodeId RemoteNode { get; }

    /// <summary>The peer's Ed25519 identity public key, verified to have signed <see cref="RemoteStaticKey"/>.</summary>
    public byte[] RemoteIdentityKey { get; }

    /// <summary>The peer's Noise static (X25519) public key.</summary>
    public byte[] RemoteStaticKey { get; }

    /// <summary>The Noise handshake hash (a channel-binding value).</summary>
    public byte[] HandshakeHash { get; }

    public uint LocalIndex { get; }

    public uint RemoteIndex { get; }

    /// <summary>When a rekeyed channel should start sending under these secrets.</summary>
    public KeyActivation Activation { get; }

    /// <summary>The local → remote secret.</summary>
    public ReadOnlySpan<byte> SendSecret => _sendSecret;

    /// <summary>The remote → local secret.</summary>
    public ReadOnlySpan<byte> ReceiveSecret => _receiveSecret;

    /// <summary>A new channel to the peer keyed by these secrets.</summary>
    public SecureChannel CreateChannel(TimeProvider? timeProvider = null)
        => new(LocalNode, RemoteNode, Session, _sendSecret, _receiveSecret, timeProvider);

    /// <summary>Moves <paramref name="channel"/> (to the same peer and session) onto these secrets.</summary>
    /// <exception cref="ArgumentException">The channel is for another peer or session.</exception>
    public void RekeyChannel(SecureChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (channel.RemoteNode != RemoteNode || channel.Session != Session || channel.LocalNode != LocalNode)
        {
            ThrowHelper.ThrowArgument(nameof(channel), "The channel belongs to another peer or session.");
        }

        channel.Rekey(_sendSecret, _receiveSecret, Activation);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_sendSecret);
        CryptographicOperations.ZeroMemory(_receiveSecret);
    }
}
