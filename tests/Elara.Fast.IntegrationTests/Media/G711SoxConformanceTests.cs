using System.Diagnostics;
using System.Runtime.InteropServices;
using Elara.Fast.Media;
using Elara.Fast.Media.Voice;

namespace Elara.Fast.IntegrationTests.Media;

/// <summary>
/// Our G.711 against a real encoder: speech from espeak-ng, converted by SoX, compared byte for byte.
/// SoX adds TPDF dither by default when it reduces 16-bit samples to µ-law's 14 or A-law's 13 bits (a random
/// ±1 LSB, so no two runs agree), hence <c>-D</c> on the G.711 conversions: what is compared is the
/// deterministic mapping, which is the codec. The resampling to 8 kHz 16-bit may dither freely: that file is
/// the input both encoders get.
/// </summary>
public sealed class G711SoxConformanceTests : IDisposable
{
    private string? directory;

    public void Dispose()
    {
        if (directory is not null && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Our_encoding_of_espeak_speech_equals_sox_byte_for_byte()
    {
        var work = NeedTools();
        var wav = Path.Combine(work, "speech.wav");
        var pcm = Path.Combine(work, "speech.s16");
        await Run("espeak-ng", "-w", wav, "Experience degrades, never collapses. Voice drops to eight kilohertz G seven eleven, and keeps talking.");
        await Run("sox", wav, "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", pcm);

        var samples = MemoryMarshal.Cast<byte, short>(await File.ReadAllBytesAsync(pcm, TestContext.Current.CancellationToken)).ToArray();
        Assert.True(samples.Length > 8_000, $"espeak-ng produced only {samples.Length} samples");
        Assert.True(VoiceLevel.Measure(samples).Dbfs > -40, "the speech is (nearly) silent");

        await CompareWithSox(work, pcm, samples, "mu-law", G711.EncodeMuLaw);
        await CompareWithSox(work, pcm, samples, "a-law", G711.EncodeALaw);
    }

    [Fact]
    public async Task Our_encoding_of_every_16_bit_value_equals_sox()
    {
        var work = NeedTools();
        var pcm = Path.Combine(work, "ramp.s16");
        var samples = new short[65_536];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(i - 32_768);
        }

        await File.WriteAllBytesAsync(pcm, MemoryMarshal.AsBytes(samples.AsSpan()).ToArray(), TestContext.Current.CancellationToken);
        await CompareWithSox(work, pcm, samples, "mu-law", G711.EncodeMuLaw);
        await CompareWithSox(work, pcm, samples, "a-law", G711.EncodeALaw);
    }

    [Fact]
    public async Task Our_decoding_of_every_code_equals_sox()
    {
        var work = NeedTools();
        var codes = new byte[256];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = (byte)i;
        }

        foreach (var (encoding, decode) in new (string, Func<byte, short>)[] { ("mu-law", G711.DecodeMuLaw), ("a-law", G711.DecodeALaw) })
        {
            var input = Path.Combine(work, $"codes.{encoding}");
            var output = Path.Combine(work, $"codes.{encoding}.s16");
            await File.WriteAllBytesAsync(input, codes, TestContext.Current.CancellationToken);
            await Run("sox", "-D", "-t", "raw", "-r", "8000", "-c", "1", "-e", encoding, "-b", "8", input, "-t", "raw", "-e", "signed-integer", "-b", "16", output);
            var sox = MemoryMarshal.Cast<byte, short>(await File.ReadAllBytesAsync(output, TestContext.Current.CancellationToken)).ToArray();
            Assert.Equal(codes.Select(decode).ToArray(), sox);
        }
    }

    private static async Task CompareWithSox(string work, string pcm, short[] samples, string encoding, Action<ReadOnlySpan<short>, Span<byte>, VectorWidth> encode)
    {
        var soxFile = Path.Combine(work, Path.GetFileNameWithoutExtension(pcm) + "." + encoding);
        await Run("sox", "-D", "-t", "raw", "-r", "8000", "-c", "1", "-e", "signed-integer", "-b", "16", pcm, "-t", "raw", "-e", encoding, soxFile);
        var expected = await File.ReadAllBytesAsync(soxFile, TestContext.Current.CancellationToken);
        Assert.Equal(samples.Length, expected.Length);
        foreach (var width in VectorWidths.Supported)
        {
            var ours = new byte[samples.Length];
            encode(samples, ours, width);
            var firstDifference = expected.AsSpan().CommonPrefixLength(ours);
            Assert.True(
                firstDifference == expected.Length,
                $"{encoding} {width}: first difference at sample {firstDifference}" +
                (firstDifference < expected.Length ? $" (x={samples[firstDifference]}, sox 0x{expected[firstDifference]:X2}, ours 0x{ours[firstDifference]:X2})" : string.Empty));
        }
    }

    private string NeedTools()
    {
        foreach (var tool in new[] { "sox", "espeak-ng" })
        {
            var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => File.Exists(Path.Combine(dir, tool)));
            if (!found)
            {
                Assert.Skip($"{tool} is not installed (test.sh installs it when run as root)");
            }
        }

        directory = Path.Combine(Path.GetTempPath(), "elara-g711-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static async Task Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await stdout;
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
    }
}
