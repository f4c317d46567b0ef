using System.Text.Json;

namespace Elara.Fast.Tests.Transport.Stun;

/// <summary>The RFC 5769 vectors from <c>../shared/vectors/stun-rfc5769.json</c> (never edited here).</summary>
internal static class StunVectors
{
    public sealed record Vector(string Name, byte[] Message, string Software, string? Username, string Password);

    private static readonly Lazy<IReadOnlyList<Vector>> All = new(Load);

    public static Vector Request => All.Value[0];

    public static Vector Response => All.Value[1];

    /// <summary>
    /// Walks up from the test binaries to the folder holding Elara.Fast.sln, then looks for
    /// <c>shared/vectors</c> beside it or beside any of its ancestors (a worktree sits one level deeper).
    /// </summary>
    public static string VectorPath(string fileName)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Elara.Fast.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        for (var up = dir.Parent; up is not null; up = up.Parent)
        {
            var candidate = Path.Combine(up.FullName, "shared", "vectors", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"{fileName} not found in shared/vectors above {dir.FullName}");
        return string.Empty;
    }

    private static List<Vector> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(VectorPath("stun-rfc5769.json")));
        var list = new List<Vector>();
        foreach (var v in document.RootElement.GetProperty("vectors").EnumerateArray())
        {
            list.Add(new Vector(
                v.GetProperty("name").GetString()!,
                Convert.FromHexString(v.GetProperty("hex").GetString()!),
                v.GetProperty("software").GetString()!,
                v.TryGetProperty("username", out var u) ? u.GetString() : null,
                v.GetProperty("password").GetString()!));
        }

        Assert.Equal(2, list.Count);
        return list;
    }
}
