using System.Text.RegularExpressions;

namespace Elara.Fast.Tests.Architecture;

/// <summary>
/// Layers only look down (ARCHITECTURE.md): Primitives ← Wire ← Crypto ← Ring ← Transport ← Time/State/Media
/// ← Sessions ← Runtime. Time, State and Media are one rank: they may not use each other either, so each
/// stays a plain library the runtime composes.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly string[][] Ranks =
    [
        ["Primitives"],
        ["Wire"],
        ["Crypto"],
        ["Ring"],
        ["Transport"],
        ["Time", "State", "Media"],
        ["Sessions"],
        ["Runtime"],
    ];

    [GeneratedRegex(@"\bElara\.Fast\.(?<layer>[A-Z][A-Za-z]+)\b")]
    private static partial Regex LayerReference();

    internal static int RankOf(string layer)
    {
        for (var i = 0; i < Ranks.Length; i++)
        {
            if (Array.IndexOf(Ranks[i], layer) >= 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Every reference from a file in <paramref name="layer"/> to a layer it may not see.</summary>
    internal static IEnumerable<string> Violations(string layer, string fileName, string source)
    {
        var rank = RankOf(layer);
        foreach (Match match in LayerReference().Matches(source))
        {
            var target = match.Groups["layer"].Value;
            var targetRank = RankOf(target);
            if (targetRank < 0 || target == layer)
            {
                continue;
            }

            if (targetRank >= rank)
            {
                yield return $"{fileName}: {layer} refers to {target}";
            }
        }
    }

    private static string SourceRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Elara.Fast.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, "src", "Elara.Fast");
    }

    [Fact]
    public void Every_engine_folder_is_a_known_layer()
    {
        var root = SourceRoot();
        foreach (var folder in Directory.GetDirectories(root))
        {
            var name = Path.GetFileName(folder);
            if (name is "bin" or "obj")
            {
                continue;
            }

            Assert.True(RankOf(name) >= 0, $"src/Elara.Fast/{name} is not a layer of ARCHITECTURE.md");
        }
    }

    [Fact]
    public void No_layer_refers_to_a_layer_above_or_beside_it()
    {
        var root = SourceRoot();
        var violations = new List<string>();
        var files = 0;
        foreach (var folder in Directory.GetDirectories(root))
        {
            var layer = Path.GetFileName(folder);
            if (RankOf(layer) < 0)
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            {
                files++;
                violations.AddRange(Violations(layer, Path.GetRelativePath(root, file), File.ReadAllText(file)));
            }
        }

        Assert.True(files > 0, "no engine source files found");
        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("Wire", "using Elara.Fast.Crypto;", true)]
    [InlineData("Ring", "using Elara.Fast.Transport.Stun;", true)]
    [InlineData("Media", "var x = Elara.Fast.State.Foo.Bar;", true)]
    [InlineData("Runtime", "using Elara.Fast.Sessions;", false)]
    [InlineData("Crypto", "using Elara.Fast.Primitives; using Elara.Fast.Wire;", false)]
    public void The_scanner_flags_an_upward_reference(string layer, string source, bool expectViolation)
    {
        Assert.Equal(expectViolation, Violations(layer, "x.cs", source).Any());
    }
}
