namespace Elara.Fast.IntegrationTests.Cli;

public sealed class RootCommandTests
{
    [Fact]
    public async Task Version_prints_the_assembly_version()
    {
        var result = await ElaraProcess.RunAsync("--version");
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.StdOut.Trim().StartsWith("0.1.0", StringComparison.Ordinal), $"stdout: [{result.StdOut}] stderr: [{result.StdErr}]");
    }

    [Fact]
    public async Task Help_describes_the_tool()
    {
        var result = await ElaraProcess.RunAsync("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("ELARA", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_fails_without_a_stack_trace()
    {
        var result = await ElaraProcess.RunAsync("no-such-command");
        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("   at ", result.StdErr + result.StdOut, StringComparison.Ordinal);
    }
}
