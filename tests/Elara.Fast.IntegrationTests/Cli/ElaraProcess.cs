using System.Diagnostics;

namespace Elara.Fast.IntegrationTests.Cli;

/// <summary>Runs the built <c>elara</c> command as a child process, with a timeout, and captures its output.</summary>
internal static class ElaraProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static async Task<Result> RunWithInputAsync(string stdin, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "elara.dll");
        Assert.True(File.Exists(dll), $"elara.dll not found next to the tests ({dll})");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin.Length > 0,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        if (stdin.Length > 0)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static Task<Result> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);
}
