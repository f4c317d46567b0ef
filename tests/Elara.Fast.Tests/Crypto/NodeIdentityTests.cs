using System.Security.Cryptography;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;

namespace Elara.Fast.Tests.Crypto;

// Identity files are guarded by Unix modes; CI and deployments are Linux.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeIdentityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elara-identity-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void NodeId_is_the_fingerprint_of_the_Ed25519_public_key()
    {
        using var identity = NodeIdentity.Generate();
        var hash = SHA256.HashData(identity.PublicKey);
        Assert.Equal(BitConverter.ToUInt64(hash, 0), identity.NodeId.Value);
        Assert.Equal(NodeId.FromPublicKey(identity.PublicKey), identity.NodeId);
    }

    [Fact]
    public void A_saved_identity_loads_back_with_the_same_keys()
    {
        var path = Path.Combine(_directory, "node.key");
        using var identity = NodeIdentity.Generate();
        identity.Save(path);
        using var loaded = NodeIdentity.Load(path);
        Assert.Equal(identity.NodeId, loaded.NodeId);
        Assert.Equal(identity.PublicKey.ToArray(), loaded.PublicKey.ToArray());
        Assert.Equal(identity.NoiseStaticPublicKey.ToArray(), loaded.NoiseStaticPublicKey.ToArray());

        // Same secret key: a signature by one verifies under the other's public key (Ed25519 is deterministic).
        var signature = new byte[NodeIdentity.SignatureLength];
        var again = new byte[NodeIdentity.SignatureLength];
        identity.Sign("hello"u8, signature);
        loaded.Sign("hello"u8, again);
        Assert.Equal(signature, again);
    }

    [Fact]
    public void The_file_is_created_owner_only()
    {
        var path = Path.Combine(_directory, "node.key");
        using var identity = NodeIdentity.Generate();
        identity.Save(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        identity.Save(path, overwrite: true);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.OtherWrite)]
    public void A_secret_key_file_accessible_by_group_or_others_is_refused(UnixFileMode extra)
    {
        var path = Path.Combine(_directory, "node.key");
        using (var identity = NodeIdentity.Generate())
        {
            identity.Save(path);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);
        var error = Assert.Throws<NodeIdentityException>(() => NodeIdentity.Load(path));
        Assert.Equal(NodeIdentityError.InsecurePermissions, error.Error);
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Saving_over_an_existing_file_needs_overwrite()
    {
        var path = Path.Combine(_directory, "node.key");
        using var first = NodeIdentity.Generate();
        using var second = NodeIdentity.Generate();
        first.Save(path);
        Assert.Equal(NodeIdentityError.AlreadyExists, Assert.Throws<NodeIdentityException>(() => second.Save(path)).Error);
        using (var loaded = NodeIdentity.Load(path))
        {
            Assert.Equal(first.NodeId, loaded.NodeId);
        }

        second.Save(path, overwrite: true);
        using var replaced = NodeIdentity.Load(path);
        Assert.Equal(second.NodeId, replaced.NodeId);
    }

    [Fact]
    public void A_missing_malformed_or_inconsistent_file_fails_with_a_typed_error()
    {
        Assert.Equal(NodeIdentityError.NotFound, Assert.Throws<NodeIdentityException>(() => NodeIdentity.Load(Path.Combine(_directory, "none"))).Error);

        var path = Path.Combine(_directory, "node.key");
        using var identity = NodeIdentity.Generate();
        identity.Save(path);
        var text = File.ReadAllText(path);

        void Check(string content, NodeIdentityError expected)
        {
            File.WriteAllText(path, content);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Equal(expected, Assert.Throws<NodeIdentityException>(() => NodeIdentity.Load(path)).Error);
        }

        Check("hello", NodeIdentityError.Malformed);
        Check(string.Empty, NodeIdentityError.Malformed);
        Check(text.Replace("ed25519-secret ", "ed25519-secret zz", StringComparison.Ordinal), NodeIdentityError.Malformed);
        Check(text.Replace("x25519-secret ", "x25519-secret 0", StringComparison.Ordinal), NodeIdentityError.Malformed);
        Check(text + "color blue\n", NodeIdentityError.Malformed);
        Check(text.Replace($"node-id {identity.NodeId}", "node-id 0000000000000001", StringComparison.Ordinal), NodeIdentityError.KeyMismatch);
    }

    [Fact]
    public void Signatures_verify_only_for_the_signed_data_and_key()
    {
        using var identity = NodeIdentity.Generate();
        using var other = NodeIdentity.Generate();
        var data = "ELARA"u8.ToArray();
        var signature = new byte[NodeIdentity.SignatureLength];
        identity.Sign(data, signature);
        Assert.True(NodeIdentity.Verify(identity.PublicKey, data, signature));
        Assert.False(NodeIdentity.Verify(other.PublicKey, data, signature));
        Assert.False(NodeIdentity.Verify(identity.PublicKey, "ELARB"u8, signature));
        signature[5] ^= 1;
        Assert.False(NodeIdentity.Verify(identity.PublicKey, data, signature));
        Assert.False(NodeIdentity.Verify(identity.PublicKey, data, signature.AsSpan(1)));
        Assert.False(NodeIdentity.Verify(new byte[31], data, new byte[64]));
    }

    [Fact]
    public void The_static_key_signature_binds_the_Noise_key_to_the_identity()
    {
        using var identity = NodeIdentity.Generate();
        using var other = NodeIdentity.Generate();
        Assert.True(NodeIdentity.VerifyStaticKey(identity.PublicKey, identity.NoiseStaticPublicKey, identity.StaticKeySignature));
        Assert.False(NodeIdentity.VerifyStaticKey(identity.PublicKey, other.NoiseStaticPublicKey, identity.StaticKeySignature));
        Assert.False(NodeIdentity.VerifyStaticKey(other.PublicKey, identity.NoiseStaticPublicKey, identity.StaticKeySignature));

        // A plain signature over the bare static key is not accepted: the context string separates the two uses.
        var bare = new byte[NodeIdentity.SignatureLength];
        identity.Sign(identity.NoiseStaticPublicKey, bare);
        Assert.False(NodeIdentity.VerifyStaticKey(identity.PublicKey, identity.NoiseStaticPublicKey, bare));
    }
}
