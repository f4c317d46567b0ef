using System.CommandLine;
using System.Globalization;
using System.Text;
using Elara.Fast.Primitives;
using Elara.Fast.Wire;
using Spectre.Console;

namespace Elara.Fast.Cli.Commands;

/// <summary>
/// <c>elara decode</c>: prints an ELARA frame's fixed header, extensions and, when the payload parses as
/// plaintext event blocks (a test frame), the blocks. A frame that does not parse prints the reason and the
/// byte offset where parsing stopped and exits with <see cref="ExitFrameInvalid"/>.
/// </summary>
internal static class DecodeCommand
{
    /// <summary>The frame was decoded.</summary>
    public const int ExitOk = 0;

    /// <summary>No usable input: missing, unreadable, or not hex.</summary>
    public const int ExitUsage = 1;

    /// <summary>The input is not a valid ELARA frame.</summary>
    public const int ExitFrameInvalid = 2;

    private const int MaxInputBytes = 64 * 1024;

    public static Command Create()
    {
        var hex = new Argument<string?>("hex")
        {
            Description = "The frame as hex (spaces and colons allowed); '-' reads the hex from standard input.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var file = new Option<FileInfo?>("--file", "-f")
        {
            Description = "Read the frame as raw bytes from a file instead.",
        };
        var command = new Command("decode", "Decode an ELARA frame: header fields, extensions and, for a plaintext test frame, its event blocks.")
        {
            hex,
            file,
        };
        command.SetAction(parse => Run(parse.GetValue(hex), parse.GetValue(file)));
        return command;
    }

    private static int Run(string? hex, FileInfo? file)
    {
        if (!TryReadInput(hex, file, out var frame, out var problem))
        {
            Console.Error.WriteLine($"error: {problem}");
            return ExitUsage;
        }

        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // Redirected output (a file, a pipe, a test) gets plain text: no escape codes, and no wrapping of
            // tables at the 80 columns assumed when there is no terminal.
            console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Out = new AnsiConsoleOutput(Console.Out),
            });
            console.Profile.Width = 120;
        }

        return Decode(frame, console, Console.Error);
    }

    private static bool TryReadInput(string? hex, FileInfo? file, out byte[] frame, out string problem)
    {
        frame = [];
        if (file is not null && hex is not null)
        {
            problem = "give either a hex argument or --file, not both.";
            return false;
        }

        if (file is not null)
        {
            try
            {
                if (file.Exists && file.Length > MaxInputBytes)
                {
                    problem = $"{file.FullName} is larger than {MaxInputBytes} bytes; a frame is at most {FrameLayout.MaxFrame}.";
                    return false;
                }

                frame = File.ReadAllBytes(file.FullName);
                problem = string.Empty;
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = $"cannot read {file.FullName}: {e.Message}";
                return false;
            }
        }

        if (hex is null)
        {
            problem = "give the frame as hex, '-' to read hex from standard input, or --file <path>.";
            return false;
        }

        if (hex == "-")
        {
            var buffer = new char[(MaxInputBytes * 3) + 1];
            var read = Console.In.ReadBlock(buffer, 0, buffer.Length);
            if (read == buffer.Length)
            {
                problem = "standard input is too long for a frame.";
                return false;
            }

            hex = new string(buffer, 0, read);
        }

        return TryParseHex(hex, out frame, out problem);
    }

    internal static bool TryParseHex(string text, out byte[] bytes, out string problem)
    {
        var digits = new StringBuilder(text.Length);
        var start = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? 2 : 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) || c == ':' || c == '-')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c))
            {
                bytes = [];
                problem = $"not hex: '{c}' at character {i}.";
                return false;
            }

            digits.Append(c);
        }

        if (digits.Length % 2 != 0)
        {
            bytes = [];
            problem = $"odd number of hex digits ({digits.Length}).";
            return false;
        }

        bytes = Convert.FromHexString(digits.ToString());
        problem = string.Empty;
        return true;
    }

    internal static int Decode(byte[] frame, IAnsiConsole console, TextWriter error)
    {
        if (!FrameLayout.TryValidate(frame, out var header, out var status, out var offset))
        {
            error.WriteLine($"error: not a valid ELARA frame: {status} at byte offset {offset}: {Describe(status)}");
            if (frame.Length > 0)
            {
                error.WriteLine($"  {Context(frame, offset)}");
            }

            return ExitFrameInvalid;
        }

        var headerLength = header.HeaderLength;
        var payload = frame.AsSpan(headerLength, frame.Length - headerLength - FrameLayout.TagSize);
        console.Write(new Rule($"ELARA frame, {frame.Length} bytes").LeftJustified());
        console.Write(HeaderTable(header));
        console.Write(ExtensionTable(header));
        WritePayload(console, payload, headerLength);
        console.WriteLine($"tag          {Convert.ToHexStringLower(frame.AsSpan(frame.Length - FrameLayout.TagSize))}  (bytes {frame.Length - FrameLayout.TagSize}..{frame.Length - 1})");
        return ExitOk;
    }

    private static Table HeaderTable(FrameHeaderReader h)
    {
        var table = new Table().Title("fixed header").AddColumn("offset").AddColumn("field").AddColumn("bytes").AddColumn("value");
        var f = h.Frame;
        Row(table, HeaderOffsets.VersionSuite, 1, f, "version", h.Version.ToString(CultureInfo.InvariantCulture));
        Row(table, HeaderOffsets.VersionSuite, 1, f, "suite", $"{(byte)h.Suite} {h.Suite}");
        Row(table, HeaderOffsets.Flags, 1, f, "flags", h.Flags == FrameFlags.None ? "none" : h.Flags.ToString());
        Row(table, HeaderOffsets.HeaderLength, 2, f, "header length", h.HeaderLength.ToString(CultureInfo.InvariantCulture));
        Row(table, HeaderOffsets.SessionId, 8, f, "session id", h.SessionId.ToString());
        Row(table, HeaderOffsets.NodeId, 8, f, "node id", h.NodeId.ToString());
        Row(table, HeaderOffsets.PacketClass, 1, f, "packet class", $"{(byte)h.PacketClass} {h.PacketClass}");
        Row(table, HeaderOffsets.Profile, 1, f, "profile", ProfileName(h.Profile));
        Row(table, HeaderOffsets.TimeHint, 4, f, "time hint", $"{h.TimeHint} (× 100 µs = {h.TimeHint / 10.0:0.0} ms)");
        Row(table, HeaderOffsets.KeyEpoch, 2, f, "key epoch", h.KeyEpoch.ToString(CultureInfo.InvariantCulture));
        Row(table, HeaderOffsets.Sequence, 2, f, "sequence", $"{h.Sequence} (counter {h.Counter})");
        return table;
    }

    private static void Row(Table table, int offset, int length, ReadOnlySpan<byte> frame, string field, string value)
        => table.AddRow(
            new Text(offset.ToString(CultureInfo.InvariantCulture)),
            new Text(field),
            new Text(Convert.ToHexStringLower(frame.Slice(offset, length))),
            new Text(value));

    private static string ProfileName(RepresentationProfile profile)
        => Enum.IsDefined(profile) ? $"0x{(byte)profile:x2} {profile}" : $"0x{(byte)profile:x2} Custom";

    private static Table ExtensionTable(FrameHeaderReader h)
    {
        var table = new Table().Title("extensions").AddColumn("offset").AddColumn("type").AddColumn("length").AddColumn("value");
        var reader = h.Extensions;
        while (reader.MoveNext())
        {
            var e = reader.Current;
            table.AddRow(
                new Text((FrameLayout.HeaderSize + e.Offset).ToString(CultureInfo.InvariantCulture)),
                new Text(e.IsKnown ? $"0x{(byte)e.Type:x2} {e.Type}" : $"0x{(byte)e.Type:x2} unknown (skipped)"),
                new Text(e.Value.Length.ToString(CultureInfo.InvariantCulture)),
                new Text(ExtensionValue(e)));
        }

        if (h.ExtensionArea.Length > 0 && h.ExtensionArea[^1] == (byte)ExtensionType.End)
        {
            table.AddRow(new Text((h.HeaderLength - 1).ToString(CultureInfo.InvariantCulture)), new Text("0xff End"), new Text("-"), new Text(string.Empty));
        }

        if (table.Rows.Count == 0)
        {
            table.AddRow(new Text("-"), new Text("none"), new Text(string.Empty), new Text(string.Empty));
        }

        return table;
    }

    private static string ExtensionValue(Extension e) => e.Type switch
    {
        ExtensionType.RatchetId => e.RatchetId.ToString(CultureInfo.InvariantCulture),
        ExtensionType.KeyEpoch => e.KeyEpoch.ToString(CultureInfo.InvariantCulture),
        ExtensionType.SwarmRole => e.SwarmRole.ToString(),
        ExtensionType.RelayHop => e.RelayHop.ToString(CultureInfo.InvariantCulture),
        ExtensionType.InterestMask => $"0x{e.InterestMask:x16}",
        ExtensionType.RedundancyGroup => e.RedundancyGroup.ToString(CultureInfo.InvariantCulture),
        ExtensionType.CompressionHint => e.CompressionHint.ToString(CultureInfo.InvariantCulture),
        ExtensionType.FragmentInfo => $"fragment {e.FragmentInfo.Index} of {e.FragmentInfo.Total} (index {e.FragmentInfo.Index}, total {e.FragmentInfo.Total})",
        ExtensionType.PathId => e.PathId.ToString(CultureInfo.InvariantCulture),
        ExtensionType.PriorityHint => e.PriorityHint.ToString(CultureInfo.InvariantCulture),
        _ => e.Value.IsEmpty ? "(empty)" : Convert.ToHexStringLower(e.Value),
    };

    private static void WritePayload(IAnsiConsole console, ReadOnlySpan<byte> payload, int payloadOffset)
    {
        var end = payloadOffset + payload.Length;
        if (payload.IsEmpty)
        {
            console.WriteLine($"payload      empty (bytes {payloadOffset}..{end - 1})");
            return;
        }

        if (!EventBlockReader.TryValidate(payload, out _, out var status, out var offset))
        {
            // An encrypted payload is indistinguishable from garbage without the key; say so rather than guess.
            console.WriteLine($"payload      {payload.Length} bytes at {payloadOffset}..{end - 1}: ciphertext (not decodable as plaintext event blocks: {status} at byte offset {payloadOffset + offset})");
            return;
        }

        var table = new Table().Title($"event blocks (plaintext payload, {payload.Length} bytes at {payloadOffset}..{end - 1})")
            .AddColumn("#").AddColumn("offset").AddColumn("event").AddColumn("state id").AddColumn("version vector").AddColumn("mutation");
        var index = 0;
        foreach (var block in new EventBlockReader(payload))
        {
            table.AddRow(
                new Text(index++.ToString(CultureInfo.InvariantCulture)),
                new Text((payloadOffset + block.Offset).ToString(CultureInfo.InvariantCulture)),
                new Text($"0x{(byte)block.EventType:x2} {block.EventType}"),
                new Text(block.StateId.ToString()),
                new Text(VersionVectorText(block.VersionVector)),
                new Text(MutationText(block.Mutation)));
        }

        console.Write(table);
    }

    private static string VersionVectorText(VersionVectorEntries entries)
    {
        if (entries.Count == 0)
        {
            return "(empty)";
        }

        var text = new StringBuilder();
        var shown = Math.Min(entries.Count, 3);
        for (var i = 0; i < shown; i++)
        {
            var e = entries[i];
            text.Append(i == 0 ? string.Empty : ", ").Append(e.Node.ToString()).Append(':').Append(e.Counter.ToString(CultureInfo.InvariantCulture));
        }

        if (entries.Count > shown)
        {
            text.Append(CultureInfo.InvariantCulture, $", … ({entries.Count} entries)");
        }

        return text.ToString();
    }

    private static string MutationText(Mutation m) => m.Kind switch
    {
        MutationKind.Increment => $"Increment {m.Delta:+0;-0;0}",
        MutationKind.Delete => "Delete",
        MutationKind.Blend => $"Blend weight {m.Weight.ToString("R", CultureInfo.InvariantCulture)}, {BytesText(m.Bytes)}",
        _ => $"{m.Kind} {BytesText(m.Bytes)}",
    };

    private static string BytesText(ReadOnlySpan<byte> bytes)
    {
        const int Shown = 32;
        var head = bytes.Length > Shown ? bytes[..Shown] : bytes;
        var printable = head.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0;
        var text = printable ? $"\"{Encoding.ASCII.GetString(head)}\"" : Convert.ToHexStringLower(head);
        return bytes.Length > Shown ? $"{bytes.Length} bytes: {text}…" : $"{bytes.Length} bytes: {text}";
    }

    private static string Context(byte[] frame, int offset)
    {
        // Up to 8 bytes either side, the byte where parsing stopped in brackets (or [] past the end).
        var from = Math.Max(0, offset - 8);
        var to = Math.Min(frame.Length, offset + 9);
        var text = new StringBuilder($"bytes {from}..: ");
        for (var i = from; i < to; i++)
        {
            text.Append(i == offset ? $"[{frame[i]:x2}] " : $"{frame[i]:x2} ");
        }

        if (offset >= frame.Length)
        {
            text.Append("[] (end of input)");
        }

        return text.ToString().TrimEnd();
    }

    private static string Describe(WireStatus status) => status switch
    {
        WireStatus.TooShort => $"fewer than {FrameLayout.MinFrame} bytes (30-byte header + 16-byte tag).",
        WireStatus.TooLong => $"more than {FrameLayout.MaxFrame} bytes.",
        WireStatus.BadVersion => "the version nibble (high nibble of byte 0) is not 0.",
        WireStatus.UnknownSuite => "the crypto suite nibble (low nibble of byte 0) is not 0 or 1.",
        WireStatus.ReservedFlagSet => "flag bit 7 is reserved and must be 0.",
        WireStatus.UnknownClass => "the packet class (byte 20) is not 0..4.",
        WireStatus.HeaderLengthOutOfRange => "the header length (bytes 2-3) is below 30 or leaves no room for the 16-byte tag.",
        WireStatus.ExtensionFlagMismatch => "the EXTENSION flag disagrees with the header length (extensions present iff the flag is set).",
        WireStatus.ExtensionOverrun => "an extension's length runs past the end of the header.",
        WireStatus.ExtensionLengthInvalid => "a known extension has the wrong length for its type.",
        WireStatus.ValueOutOfRange => "a field value is out of its range.",
        WireStatus.DuplicateExtension => "a fixed-size extension appears twice.",
        WireStatus.TrailingBytesAfterEnd => "bytes follow the End (0xff) extension.",
        WireStatus.FragmentFlagMismatch => "the FRAGMENT flag and the FragmentInfo extension disagree.",
        _ => status.ToString(),
    };
}
