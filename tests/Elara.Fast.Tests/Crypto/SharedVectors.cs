namespace Elara.Fast.Tests.Crypto;

/// <summary>
/// Finds a published vector file: walks up from the test binaries to the folder holding <c>Elara.Fast.sln</c>,
/// then looks in <c>../shared/vectors/</c> beside the clone (CI) and, failing that, in <c>shared/vectors/</c> of
/// each further ancestor (a git worktree sits one level deeper than the clone).
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
        for (var ancestor = directory.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            var candidate = Path.Combine(ancestor.FullName, "shared", "vectors", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"shared/vectors/{fileName} not found beside {directory.FullName} or above it");
        return string.Empty;
    }
}
