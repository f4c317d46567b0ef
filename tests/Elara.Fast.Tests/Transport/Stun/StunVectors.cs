using System.Text.Json;

namespace Elara.Fast.Tests.Transport.Stun;

/// <summary>The RFC 5769 vectors from <c>tests/vectors/stun-rfc5769.json</c> (never edited here).</summary>
internal static class StunVectors
{
    public sealed record Vector(string Name, byte[] Message, string Software, string? Username, string Password);

    private static readonly Lazy<IReadOnlyList<Vector>> All = new(Load);

    public static Vector Request => All.Value[0];

    public static Vector Response => All.Value[1];

    /// <summary>The vector file in the repository's own <c>tests/vectors/</c>.</summary>
    public static string VectorPath(string fileName) => Crypto.SharedVectors.Find(fileName);

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
