using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Elara.Fast.Primitives;
using NSec.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>
/// A node's long-term identity: an Ed25519 key pair whose public key's fingerprint is the node's
/// <see cref="Primitives.NodeId"/> (WIRE.md, fixed header offset 12), plus the X25519 static key the node uses in
/// Noise handshakes. The identity signs the static key once (<see cref="StaticKeySignature"/>), and the
/// handshake carries that signature so a peer learns the NodeId and knows the static key belongs to it.
/// </summary>
/// <remarks>
/// File format (UTF-8 text, one <c>name value</c> pair a line, mode 0600 on Unix):
/// <code>
/// elara-node-identity v1
/// ed25519-secret &lt;64 hex: the 32-byte Ed25519 seed&gt;
/// x25519-secret &lt;64 hex: the 32-byte X25519 private key&gt;
/// ed25519-public &lt;64 hex&gt;
/// node-id &lt;16 hex&gt;
/// </code>
/// The last two lines are for humans; on load they must match the secrets.
/// </remarks>
public sealed class NodeIdentity : IDisposable
{
    /// <summary>Length of an Ed25519 signature.</summary>
    public const int SignatureLength = 64;

    /// <summary>Length of an Ed25519 public key.</summary>
    public const int PublicKeyLength = 32;

    /// <summary>Length of the Noise static (X25519) public key.</summary>
    public const int StaticKeyLength = NoiseKeyPair.KeyLength;

    private const string Header = "elara-node-identity v1";

    // Domain separation: this signature can never be mistaken for a signature over anything else.
    private static ReadOnlySpan<byte> StaticKeyContext => "ELARA_NOISE_STATIC_v0"u8;

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    private const UnixFileMode GroupOrOtherAccess =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly Key _signingKey;
    private readonly byte[] _publicKey;
    private readonly byte[] _staticKeySignature = new byte[SignatureLength];

    private NodeIdentity(Key signingKey, NoiseKeyPair noiseStatic)
    {
        _signingKey = signingKey;
        _publicKey = signingKey.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        NoiseStatic = noiseStatic;
        NodeId = NodeId.FromPublicKey(_publicKey);
        SignStaticKey(noiseStatic.PublicKey, _staticKeySignature);
    }

    /// <summary>The node id: the first 8 bytes of SHA-256 of <see cref="PublicKey"/>, little-endian.</summary>
    public NodeId NodeId { get; }

    /// <summary>The Ed25519 public key (32 bytes).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>The X25519 public key this node uses as its Noise static key (32 bytes).</summary>
    public ReadOnlySpan<byte> NoiseStaticPublicKey => NoiseStatic.PublicKey;

    /// <summary>The Ed25519 signature over the domain-separated Noise static key (see <see cref="VerifyStaticKey"/>).</summary>
    public ReadOnlySpan<byte> StaticKeySignature => _staticKeySignature;

    /// <summary>The Noise static key pair.</summary>
    internal NoiseKeyPair NoiseStatic { get; }

    /// <summary>A fresh random identity (exportable, so it can be saved).</summary>
    public static NodeIdentity Generate()
    {
        var parameters = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        return new NodeIdentity(Key.Create(Ed25519, parameters), NoiseKeyPair.Generate());
    }

    /// <summary>An identity from its two 32-byte secrets (the Ed25519 seed and the X25519 private key).</summary>
    /// <exception cref="ArgumentException">A secret is not 32 bytes.</exception>
    public static NodeIdentity FromSecrets(ReadOnlySpan<byte> ed25519Seed, ReadOnlySpan<byte> x25519PrivateKey)
    {
        if (ed25519Seed.Length != 32)
        {
            ThrowHelper.ThrowArgument(nameof(ed25519Seed), "An Ed25519 seed is 32 bytes.");
        }

        var parameters = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        var signing = Key.Import(Ed25519, ed25519Seed, KeyBlobFormat.RawPrivateKey, parameters);
        return new NodeIdentity(signing, NoiseKeyPair.FromPrivateKey(x25519PrivateKey));
    }

    /// <summary>Loads an identity file.</summary>
    /// <exception cref="NodeIdentityException">The file is missing, too widely readable, malformed or inconsistent.</exception>
    public static NodeIdentity Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new NodeIdentityException(NodeIdentityError.NotFound, $"No identity file at {path}.", path);
        }

        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOtherAccess) != 0)
            {
                throw new NodeIdentityException(
                    NodeIdentityError.InsecurePermissions,
                    $"The identity file {path} holds a secret key but is accessible by group or others " +
                    $"(mode {Convert.ToString((int)mode, 8)}); run `chmod 600 {path}`.",
                    path);
            }
        }

        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeIdentityException(NodeIdentityError.IOError, $"Cannot read {path}: {e.Message}", path, e);
        }

        return Parse(text, path);
    }

    /// <summary>
    /// Saves the identity. On Unix the file is created with mode 0600 from the start (never briefly readable by
    /// others); with <paramref name="overwrite"/> a temporary file is written and then moved over the old one.
    /// </summary>
    /// <exception cref="NodeIdentityException">The file exists and <paramref name="overwrite"/> is false, or I/O failed.</exception>
    public void Save(string path, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!overwrite && File.Exists(path))
        {
            throw new NodeIdentityException(NodeIdentityError.AlreadyExists, $"{path} already exists (pass --force to overwrite).", path);
        }

        var target = overwrite ? path + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)) + ".tmp" : path;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(target, options))
            {
                var bytes = Encoding.UTF8.GetBytes(Format());
                stream.Write(bytes);
                CryptographicOperations.ZeroMemory(bytes);
            }

            if (overwrite)
            {
                File.Move(target, path, overwrite: true);
            }
        }
        catch (IOException e) when (!overwrite && File.Exists(path) && e is not FileNotFoundException)
        {
            throw new NodeIdentityException(NodeIdentityError.AlreadyExists, $"{path} already exists (pass --force to overwrite).", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (overwrite)
            {
                File.Delete(target);
            }

            throw new NodeIdentityException(NodeIdentityError.IOError, $"Cannot write {path}: {e.Message}", path, e);
        }
    }

    /// <summary>Signs <paramref name="data"/> with the Ed25519 key into a 64-byte <paramref name="signature"/>.</summary>
    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        if (signature.Length < SignatureLength)
        {
            ThrowHelper.ThrowArgument(nameof(signature), "An Ed25519 signature is 64 bytes.");
        }

        Ed25519.Sign(_signingKey, data, signature[..SignatureLength]);
    }

    /// <summary>True when <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="data"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeyLength || signature.Length != SignatureLength)
        {
            return false;
        }

        return NSec.Cryptography.PublicKey.TryImport(Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key)
            && key is not null
            && Ed25519.Verify(key, data, signature);
    }

    /// <summary>
    /// True when <paramref name="signature"/> is the identity <paramref name="publicKey"/>'s signature over the
    /// Noise static key: <c>Ed25519(context "ELARA_NOISE_STATIC_v0" || static public key)</c>.
    /// </summary>
    public static bool VerifyStaticKey(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> staticPublicKey, ReadOnlySpan<byte> signature)
    {
        if (staticPublicKey.Length != StaticKeyLength)
        {
            return false;
        }

        Span<byte> message = stackalloc byte[StaticKeyContext.Length + StaticKeyLength];
        StaticKeyContext.CopyTo(message);
        staticPublicKey.CopyTo(message[StaticKeyContext.Length..]);
        return Verify(publicKey, message, signature);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _signingKey.Dispose();
        NoiseStatic.Dispose();
    }

    private void SignStaticKey(ReadOnlySpan<byte> staticPublicKey, Span<byte> signature)
    {
        Span<byte> message = stackalloc byte[StaticKeyContext.Length + StaticKeyLength];
        StaticKeyContext.CopyTo(message);
        staticPublicKey.CopyTo(message[StaticKeyContext.Length..]);
        Sign(message, signature);
    }

    private string Format()
    {
        Span<byte> seed = stackalloc byte[32];
        Span<byte> x25519 = stackalloc byte[32];
        if (!_signingKey.TryExport(KeyBlobFormat.RawPrivateKey, seed, out _))
        {
            ThrowHelper.ThrowInvalidOperation("This identity's secret key cannot be exported.");
        }

        NoiseStatic.ExportPrivateKey(x25519);
        var text = string.Create(CultureInfo.InvariantCulture, $"""
            {Header}
            ed25519-secret {Convert.ToHexStringLower(seed)}
            x25519-secret {Convert.ToHexStringLower(x25519)}
            ed25519-public {Convert.ToHexStringLower(_publicKey)}
            node-id {NodeId}

            """);
        CryptographicOperations.ZeroMemory(seed);
        CryptographicOperations.ZeroMemory(x25519);
        return text;
    }

    private static NodeIdentity Parse(string text, string path)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw Malformed(path, $"the first line is not \"{Header}\"");
        }

        string? seedHex = null, x25519Hex = null, publicHex = null, nodeIdHex = null;
        for (var i = 1; i < lines.Length; i++)
        {
            var space = lines[i].IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0)
            {
                throw Malformed(path, $"line {i + 1} is not \"name value\"");
            }

            var value = lines[i][(space + 1)..].Trim();
            switch (lines[i][..space])
            {
                case "ed25519-secret": seedHex = value; break;
                case "x25519-secret": x25519Hex = value; break;
                case "ed25519-public": publicHex = value; break;
                case "node-id": nodeIdHex = value; break;
                default: throw Malformed(path, $"unknown field on line {i + 1}");
            }
        }

        var seed = DecodeKey(seedHex, "ed25519-secret", path);
        var x25519 = DecodeKey(x25519Hex, "x25519-secret", path);
        NodeIdentity identity;
        try
        {
            identity = FromSecrets(seed, x25519);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or CryptographicException)
        {
            throw Malformed(path, "a secret key is not a valid key");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(x25519);
        }

        var mismatch = (publicHex is not null && !string.Equals(publicHex, Convert.ToHexStringLower(identity._publicKey), StringComparison.OrdinalIgnoreCase))
            || (nodeIdHex is not null && !string.Equals(nodeIdHex, identity.NodeId.ToString(), StringComparison.OrdinalIgnoreCase));
        if (mismatch)
        {
            identity.Dispose();
            throw new NodeIdentityException(NodeIdentityError.KeyMismatch, $"The public key or node id in {path} does not match its secret key.", path);
        }

        return identity;
    }

    private static byte[] DecodeKey(string? hex, string name, string path)
    {
        if (hex is null || hex.Length != 64)
        {
            throw Malformed(path, $"{name} is missing or not 64 hex digits");
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw Malformed(path, $"{name} is not hex");
        }
    }

    private static NodeIdentityException Malformed(string path, string why)
        => new(NodeIdentityError.Malformed, $"{path} is not a valid identity file: {why}.", path);
}
