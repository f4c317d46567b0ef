using System.Net.Sockets;
using Elara.Fast.Transport;

namespace Elara.Fast.IntegrationTests.Transport;

[CollectionDefinition(nameof(ProcessWideAllocation), DisableParallelization = true)]
public sealed class ProcessWideAllocation;

/// <summary>
/// Steady-state receive allocates nothing per datagram. The work runs on transport threads, so the measure is the
/// process-wide <see cref="GC.GetTotalAllocatedBytes"/> with no other test running; the sender uses
/// <c>SendTo(ReadOnlySpan, SocketFlags, SocketAddress)</c>, itself 0 B. One allocation per datagram would be at least
/// 24 B × 20 000 = 480 kB; the bound of 32 kB leaves room for the runtime's own background work (tiering, timers)
/// and still fails for any per-datagram allocation. The best of up to three windows is judged, so one background burst
/// does not fail the test while a per-datagram allocation fails all three.
/// </summary>
[Collection(nameof(ProcessWideAllocation))]
public sealed class ZeroAllocationTests
{
    public static TheoryData<TransportPath, Family> Cases()
    {
        var data = new TheoryData<TransportPath, Family>();
        foreach (var mode in Loopback.Paths())
        {
            data.Add(mode, Family.IPv4);
            data.Add(mode, Family.DualModeFromIPv4);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steady_state_receive_allocates_nothing_per_datagram(TransportPath mode, Family family)
    {
        const int warmUp = 20_000;
        const int measured = 20_000;
        using var transport = Loopback.Open(mode, family);
        var (_, poller) = Loopback.Attach(transport, size: 1 << 12);
        // Four senders, so the source address changes from datagram to datagram (the case that allocates with an IPEndPoint).
        var senders = Enumerable.Range(0, 4).Select(_ => Loopback.Sender(family)).ToArray();
        try
        {
            var target = Loopback.TargetOf(transport, family).Serialize();
            var frame = Loopback.Frame(1, 200);
            var handler = new CountingHandler();

            Pump(warmUp);
            // Up to three measured windows, the best one judged: an allocation per datagram (≥ 480 kB) fails every
            // window, while a burst of the runtime's own background work (seen once: 43 kB in a window that waited
            // 15 s for datagrams on a loaded machine) does not repeat in all three.
            long allocated = long.MaxValue, received = 0;
            for (var window = 0; window < 3 && allocated >= 32 * 1024; window++)
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var got = Pump(measured);
                var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
                Assert.True(got >= measured * 0.9, $"only {got} of {measured} datagrams arrived");
                if (bytes < allocated)
                {
                    (allocated, received) = (bytes, got);
                }
            }

            Assert.True(allocated < 32 * 1024, $"{allocated} B allocated over {received} datagrams ({allocated / (double)received:F2} B each) in the best of three windows");

            long Pump(int count)
            {
                var start = handler.Count;
                var deadline = Environment.TickCount64 + (long)Loopback.Deadline.TotalMilliseconds;
                for (var i = 0; i < count; i++)
                {
                    senders[i & 3].SendTo(frame, SocketFlags.None, target);

                    // At most 512 datagrams in flight: the socket buffer never overflows, however slow the path
                    // (posted event args on Linux lost 16 % to a sender that only paused every 64 datagrams).
                    while (i + 1 - (handler.Count - start) > 512 && Environment.TickCount64 < deadline)
                    {
                        poller.WaitAndPoll(ref handler);
                    }
                }

                while (handler.Count - start < count && Environment.TickCount64 < deadline)
                {
                    if (poller.WaitAndPoll(ref handler) == 0 && handler.Count - start >= count * 0.9)
                    {
                        break;
                    }
                }

                return handler.Count - start;
            }
        }
        finally
        {
            foreach (var sender in senders)
            {
                sender.Dispose();
            }
        }
    }
}
