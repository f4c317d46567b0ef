using System.Security.Cryptography;
using Elara.Fast.Crypto;

namespace Elara.Fast.IntegrationTests.Cli;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeygenCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elara-keygen-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Keygen_writes_an_owner_only_identity_and_prints_its_public_key_and_node_id()
    {
        var path = Path.Combine(_directory, "node.key");
        var result = await ElaraProcess.RunAsync("keygen", "--out", path);
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        using var identity = NodeIdentity.Load(path);
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains($"public key   {Convert.ToHexStringLower(identity.PublicKey)}", lines);
        Assert.Contains($"node id      {identity.NodeId}", lines);
        Assert.Contains($"noise static {Convert.ToHexStringLower(identity.NoiseStaticPublicKey)}", lines);

        // The printed NodeId is the fingerprint of the printed key, computed here independently.
        var hash = SHA256.HashData(identity.PublicKey);
        Assert.Equal(BitConverter.ToUInt64(hash, 0).ToString("x16", null), identity.NodeId.ToString());
    }

    [Fact]
    public async Task Keygen_refuses_to_overwrite_without_force_and_replaces_with_it()
    {
        var path = Path.Combine(_directory, "node.key");
        Assert.Equal(0, (await ElaraProcess.RunAsync("keygen", "--out", path)).ExitCode);
        var before = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);

        var refused = await ElaraProcess.RunAsync("keygen", "--out", path);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("already exists", refused.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));

        var forced = await ElaraProcess.RunAsync("keygen", "--out", path, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(before, await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Keygen_into_a_missing_directory_fails_with_a_message_not_a_stack_trace()
    {
        var result = await ElaraProcess.RunAsync("keygen", "--out", Path.Combine(_directory, "no", "such", "node.key"));
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error:", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }
}
