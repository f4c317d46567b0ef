namespace Elara.Fast.Tests.Wire;

/// <summary>The example frame of docs/wire-protocol.md, read from the document itself.</summary>
internal static class ExampleFrame
{
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Elara.Fast.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return directory.FullName;
    }

    /// <summary>The one-line hex in the first <c>```text</c> block under "## Example frame".</summary>
    public static string Hex()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "wire-protocol.md"));
        var section = Array.IndexOf(lines, "## Example frame");
        Assert.True(section >= 0, "docs/wire-protocol.md has no '## Example frame' section");
        var fence = Array.IndexOf(lines, "```text", section);
        Assert.True(fence > section, "the example frame section has no ```text block");
        Assert.Equal("```", lines[fence + 2]);
        return lines[fence + 1].Trim();
    }

    public static byte[] Bytes() => Convert.FromHexString(Hex());
}
