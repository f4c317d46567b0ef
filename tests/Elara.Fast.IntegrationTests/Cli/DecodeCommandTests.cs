namespace Elara.Fast.IntegrationTests.Cli;

public sealed class DecodeCommandTests
{
    private static string ExampleHex()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Elara.Fast.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var lines = File.ReadAllLines(Path.Combine(directory.FullName, "docs", "wire-protocol.md"));
        var fence = Array.IndexOf(lines, "```text", Array.IndexOf(lines, "## Example frame"));
        Assert.True(fence > 0, "no example frame in docs/wire-protocol.md");
        return lines[fence + 1].Trim();
    }

    private static void AssertNoStackTrace(ElaraProcess.Result result)
        => Assert.DoesNotContain("   at ", result.StdOut + result.StdErr, StringComparison.Ordinal);

    [Fact]
    public async Task Decode_prints_the_header_extensions_and_event_blocks_of_the_documented_frame()
    {
        var result = await ElaraProcess.RunAsync("decode", ExampleHex());
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        foreach (var expected in new[]
        {
            "148 bytes", "ChaCha20Poly1305", "Priority, Extension", "1122334455667788", "0123456789abcdef", "0 Core",
            "1500", "(counter 65578)", "0x04 RelayHop", "0x09 PathId", "0xff End", "0x01 StateCreate", "0x02 StateUpdate",
            "0x80 TextAppend", "0123456789abcdef:1", "Set 5 bytes: \"hello\"", "Increment +5", "Append 3 bytes: \"hi!\"",
        })
        {
            Assert.Contains(expected, result.StdOut, StringComparison.Ordinal);
        }

        AssertNoStackTrace(result);
    }

    [Theory]
    [InlineData(20, 0x09, "UnknownClass at byte offset 20")] // packet class 9 does not exist
    [InlineData(34, 0x09, "ExtensionOverrun at byte offset 34")] // PathId claims 9 bytes
    [InlineData(0, 0x10, "BadVersion at byte offset 0")]
    public async Task Decode_of_a_corrupted_frame_names_the_reason_and_offset_and_exits_2(int index, byte value, string expected)
    {
        var bytes = Convert.FromHexString(ExampleHex());
        bytes[index] = value;
        var result = await ElaraProcess.RunAsync("decode", Convert.ToHexString(bytes));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Decode_of_a_truncated_frame_reports_where_the_input_ran_out()
    {
        var result = await ElaraProcess.RunAsync("decode", ExampleHex()[..80]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("TooShort at byte offset 40", result.StdErr, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Decode_reads_hex_from_standard_input()
    {
        var result = await ElaraProcess.RunWithInputAsync(ExampleHex() + "\n", "decode", "-");
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        Assert.Contains("0x01 StateCreate", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_reads_raw_bytes_from_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"elara-decode-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, Convert.FromHexString(ExampleHex()), TestContext.Current.CancellationToken);
        try
        {
            var result = await ElaraProcess.RunAsync("decode", "--file", path);
            Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
            Assert.Contains("0x80 TextAppend", result.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_encrypted_payload_is_reported_as_ciphertext_not_guessed_at()
    {
        var bytes = Convert.FromHexString(ExampleHex());
        for (var i = 38; i < 132; i++)
        {
            bytes[i] = (byte)(0xA5 ^ (i * 37));
        }

        var result = await ElaraProcess.RunAsync("decode", Convert.ToHexString(bytes));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        Assert.Contains("ciphertext (not decodable as plaintext event blocks", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("StateCreate", result.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-hex")]
    [InlineData("abc")]
    public async Task Input_that_is_not_hex_is_a_usage_error_without_a_stack_trace(string input)
    {
        var result = await ElaraProcess.RunAsync("decode", input);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error:", result.StdErr, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error_without_a_stack_trace()
    {
        var result = await ElaraProcess.RunAsync("decode", "--file", "/nonexistent/elara/frame.bin");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot read", result.StdErr, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }
}
