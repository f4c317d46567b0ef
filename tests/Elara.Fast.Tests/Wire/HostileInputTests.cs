using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.Tests.Wire;

/// <summary>
/// Bad input is refused by value with a named reason and an offset inside the input; nothing throws and
/// nothing reads outside the span (spans are bounds-checked, so an out-of-range read would throw here).
/// </summary>
public sealed class HostileInputTests
{
    private static readonly WireStatus[] Named = Enum.GetValues<WireStatus>();

    /// <summary>Runs a datagram through every reader the way a receiver and <c>elara decode</c> do.</summary>
    private static WireStatus ReadEverything(ReadOnlySpan<byte> datagram, out int offset)
    {
        if (!FrameLayout.TryValidate(datagram, out var header, out var status, out offset))
        {
            AssertNamedRefusal(status, offset, datagram.Length);
            return status;
        }

        // A valid frame: its extensions walk cleanly and its payload either is plaintext blocks or is refused by name.
        var extensions = header.Extensions;
        while (extensions.MoveNext())
        {
            _ = extensions.Current.Value.Length;
        }

        if (extensions.Status != WireStatus.Ok)
        {
            Assert.Fail($"a validated frame's extensions failed a second walk: {extensions.Status}");
        }

        var payload = datagram[header.HeaderLength..^FrameLayout.TagSize];
        EventBlockReader.TryValidate(payload, out _, out var payloadStatus, out var payloadOffset);
        AssertNamedRefusalOrOk(payloadStatus, payloadOffset, payload.Length);
        return WireStatus.Ok;
    }

    private static void AssertNamedRefusal(WireStatus status, int offset, int length)
    {
        Assert.NotEqual(WireStatus.Ok, status);
        AssertNamedRefusalOrOk(status, offset, length);
    }

    private static void AssertNamedRefusalOrOk(WireStatus status, int offset, int length)
    {
        // Plain branches first: this runs millions of times, and Assert's own machinery would dominate.
        var limit = status == WireStatus.TooLong ? FrameLayout.MaxFrame : length;
        if ((byte)status >= IsNamed.Length || !IsNamed[(byte)status] || offset < 0 || offset > limit)
        {
            Assert.Fail($"{status} at {offset} for {length} bytes: not a named reason or an offset outside the input");
        }
    }

    private static readonly bool[] IsNamed = BuildNamed();

    private static bool[] BuildNamed()
    {
        var named = new bool[256];
        foreach (var status in Named)
        {
            named[(byte)status] = true;
        }

        return named;
    }

    [Fact]
    public void Every_truncation_of_the_example_frame_is_refused_by_name_or_parses_a_shorter_frame()
    {
        var frame = ExampleFrame.Bytes();
        for (var length = 0; length < frame.Length; length++)
        {
            var status = ReadEverything(frame.AsSpan(0, length), out var offset);
            var expected = length switch
            {
                < FrameLayout.MinFrame => WireStatus.TooShort,
                < 38 + FrameLayout.TagSize => WireStatus.HeaderLengthOutOfRange,
                _ => WireStatus.Ok,
            };
            Assert.Equal(expected, status);
            if (expected == WireStatus.TooShort)
            {
                Assert.Equal(length, offset);
            }
        }
    }

    [Fact]
    public void Every_truncation_of_the_example_payload_is_refused_as_truncated_unless_it_ends_on_a_block()
    {
        var payload = ExampleFrame.Bytes().AsSpan(38, 94);
        int[] blockEnds = [37, 75, 94];
        for (var length = 1; length < payload.Length; length++)
        {
            var ok = EventBlockReader.TryValidate(payload[..length], out var count, out var status, out var offset);
            if (Array.IndexOf(blockEnds, length) >= 0)
            {
                Assert.True(ok);
                Assert.Equal(Array.IndexOf(blockEnds, length) + 1, count);
            }
            else
            {
                Assert.False(ok);
                Assert.Contains(status, new[] { WireStatus.BlockTruncated, WireStatus.MutationLengthInvalid });
                Assert.InRange(offset, 0, length);
            }
        }
    }

    [Fact]
    public void Every_single_byte_corruption_of_the_header_and_extensions_is_accepted_or_refused_by_name()
    {
        var original = ExampleFrame.Bytes();
        var frame = (byte[])original.Clone();
        var reasons = new HashSet<WireStatus>();
        for (var index = 0; index < 38; index++)
        {
            for (var value = 0; value < 256; value++)
            {
                frame[index] = (byte)value;
                reasons.Add(ReadEverything(frame, out var offset));
                if (value != original[index] && index is 0 or 1 or 2 or 20)
                {
                    // These bytes are checked by the fixed-header reader; a refusal there names that byte
                    // (or the header length at 2, or the flags at 1 when the EXTENSION flag was cleared).
                    var status = ReadEverything(frame, out offset);
                    if (status != WireStatus.Ok)
                    {
                        Assert.True(offset == index || offset == 1 || offset == 2 || offset >= 30, $"byte {index} = {value:x2}: {status} at {offset}");
                    }
                }
            }

            frame[index] = original[index];
        }

        // The sweep reaches every header and extension check.
        foreach (var expected in new[]
        {
            WireStatus.Ok, WireStatus.BadVersion, WireStatus.UnknownSuite, WireStatus.ReservedFlagSet, WireStatus.ExtensionFlagMismatch,
            WireStatus.HeaderLengthOutOfRange, WireStatus.UnknownClass, WireStatus.ExtensionOverrun, WireStatus.ExtensionLengthInvalid,
            WireStatus.TrailingBytesAfterEnd, WireStatus.FragmentFlagMismatch,
        })
        {
            Assert.Contains(expected, reasons);
        }
    }

    [Fact]
    public void Every_single_byte_corruption_of_the_payload_is_accepted_or_refused_by_name()
    {
        var original = ExampleFrame.Bytes();
        var payload = original.AsSpan(38, 94).ToArray();
        var reasons = new HashSet<WireStatus>();
        for (var index = 0; index < payload.Length; index++)
        {
            var keep = payload[index];
            for (var value = 0; value < 256; value++)
            {
                payload[index] = (byte)value;
                EventBlockReader.TryValidate(payload, out _, out var status, out var offset);
                AssertNamedRefusalOrOk(status, offset, payload.Length);
                reasons.Add(status);
            }

            payload[index] = keep;
        }

        foreach (var expected in new[]
        {
            WireStatus.Ok, WireStatus.UnknownEventType, WireStatus.VersionVectorLengthInvalid, WireStatus.VersionVectorUnsorted,
            WireStatus.BlockTruncated, WireStatus.UnknownMutation, WireStatus.MutationLengthInvalid,
        })
        {
            Assert.Contains(expected, reasons);
        }
    }

    [Fact]
    public void A_million_random_datagrams_are_each_accepted_or_refused_by_name()
    {
        // Seeded, so a failure replays; 0-1500 bytes, so oversize frames are covered too.
        var random = new Random(20261125);
        var bits = 20261125UL;
        var buffer = new byte[1504];
        var reasons = new Dictionary<WireStatus, int>();
        const int Count = 1_000_000;
        for (var i = 0; i < Count; i++)
        {
            var datagram = buffer.AsSpan(0, random.Next(1501));
            Fill(buffer.AsSpan(0, (datagram.Length + 7) & ~7), ref bits);
            if ((i & 3) != 0 && datagram.Length >= FrameLayout.MinFrame)
            {
                // Three in four get a plausible fixed header, so the deeper checks see traffic too.
                datagram[0] = (byte)random.Next(2);
                datagram[1] &= 0x7F;
                var headerLength = FrameLayout.HeaderSize + random.Next(Math.Min(40, datagram.Length - FrameLayout.MinFrame + 1));
                datagram[2] = (byte)headerLength;
                datagram[3] = 0;
                datagram[1] = (byte)((datagram[1] & ~0x20) | (headerLength > 30 ? 0x20 : 0));
                datagram[20] = (byte)random.Next(5);
            }

            var status = ReadEverything(datagram, out _);
            reasons[status] = reasons.GetValueOrDefault(status) + 1;

            // The readers also face raw random bytes directly as an extension area and as a payload.
            var extensions = new ExtensionReader(datagram[..Math.Min(datagram.Length, 64)]);
            extensions.TryValidate(out _);
            AssertNamedRefusalOrOk(extensions.Status, extensions.Offset, Math.Min(datagram.Length, 64));
            EventBlockReader.TryValidate(datagram, out _, out var blockStatus, out var blockOffset);
            AssertNamedRefusalOrOk(blockStatus, blockOffset, datagram.Length);
        }

        Assert.Equal(Count, reasons.Values.Sum());
        Assert.True(reasons.GetValueOrDefault(WireStatus.Ok) > 0, "no random datagram parsed as a frame");
        Assert.True(reasons.Count >= 8, $"only {reasons.Count} outcomes: {string.Join(", ", reasons)}");
    }

    /// <summary>SplitMix64, eight bytes at a time: seeded Random.NextBytes is the slow legacy algorithm.</summary>
    private static void Fill(Span<byte> destination, ref ulong state)
    {
        foreach (ref var word in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(destination))
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            word = z ^ (z >> 31);
        }
    }

    [Fact]
    public void Random_fragments_fed_to_the_reassembler_never_throw_or_exceed_its_budget()
    {
        var random = new Random(7);
        var reassembler = new FragmentReassembler(new FragmentReassemblerOptions { MemoryBudgetBytes = 64 * 1024, MaxConcurrentSets = 4, MaxFragmentsPerSet = 16 }, TimeProvider.System);
        var buffer = new byte[1500];
        for (var i = 0; i < 100_000; i++)
        {
            var chunk = buffer.AsSpan(0, random.Next(buffer.Length));
            var key = new FragmentSetKey(new SessionId((ulong)random.Next(3)), new NodeId(1), (PacketClass)random.Next(5), (uint)random.Next(8));
            var status = reassembler.Add(key, new FragmentInfo((ushort)random.Next(20), (ushort)random.Next(20)), chunk, out var payload);
            Assert.True(Enum.IsDefined(status));
            Assert.True(payload.Length <= 16 * FragmentReassembler.SlotSize);
            Assert.True(reassembler.BufferedBytes <= reassembler.CapacityBytes);
        }
    }
}
