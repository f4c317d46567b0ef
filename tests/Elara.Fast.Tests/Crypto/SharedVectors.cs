namespace Elara.Fast.Tests.Crypto;

/// <summary>
/// Finds a published vector file in the repository's own <c>tests/vectors/</c> (where each comes from:
/// tests/vectors/README.md): walks up from the test binaries to the folder holding <c>Elara.Fast.sln</c>.
/// A clone needs nothing beside it.
/// </summary>
internal static class SharedVectors
{
    public static string Find(string fileName)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Elara.Fast.sln")))
        {
            directory = directory.Parent;
        }

        Assert.True(directory is not null, $"Elara.Fast.sln not found above {AppContext.BaseDirectory}");
        var candidate = Path.Combine(directory.FullName, "tests", "vectors", fileName);
        Assert.True(File.Exists(candidate), $"tests/vectors/{fileName} not found in {directory.FullName}");
        return candidate;
    }
}
