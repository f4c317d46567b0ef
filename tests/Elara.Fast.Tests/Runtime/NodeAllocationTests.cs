using Elara.Fast.Primitives;
using Elara.Fast.Runtime;
using Elara.Fast.Sessions;

namespace Elara.Fast.Tests.Runtime;

/// <summary>The ingress pipeline (Open → Dispatch → Apply → handler) allocates nothing per frame in steady state.</summary>
public sealed class NodeAllocationTests
{
    [Theory]
    [InlineData(PacketClass.Perceptual)]
    [InlineData(PacketClass.Core)]
    public async Task The_apply_thread_allocates_nothing_per_frame_after_warm_up(PacketClass packetClass)
    {
        await using var kit = new NodeTestKit();
        var (a, _) = await kit.StartAsync();
        var (b, _) = await kit.StartAsync();
        var probe = new AllocationProbe(warmUp: 3_000, measured: 10_000);
        a.SetFrameHandler(probe);
        var session = await a.CreateSessionAsync();
        var bSession = await b.JoinAsync(session.SessionId, a.LocalEndPoint, a.Identity.NoiseStaticPublicKey.ToArray());
        var payload = NodeTestKit.Message(1, padding: 150); // a 200-byte frame or so
        var sent = 0;
        var deadline = DateTime.UtcNow + NodeTestKit.Patience;
        for (var attempt = 0; attempt < 10_000_000 && !probe.Done.IsSet && DateTime.UtcNow < deadline; attempt++)
        {
            // Flow control: at most 256 frames in flight, so the judge is allocation, not overload (shedding is tested elsewhere).
            if (sent - probe.Count > 256)
            {
                await Task.Yield();
                continue;
            }

            var status = packetClass == PacketClass.Core
                ? bSession.TrySendCore(payload)
                : bSession.TrySend(packetClass, RepresentationProfile.VoiceStandard, payload);
            if (status is SendStatus.Sent or SendStatus.Queued)
            {
                sent++;
            }
            else
            {
                await Task.Yield(); // back-pressure: let the stages drain
            }

            if (sent % 64 == 0)
            {
                await Task.Yield();
            }
        }

        Assert.True(probe.Done.Wait(NodeTestKit.Patience, TestContext.Current.CancellationToken), $"only {probe.Count} frames reached the handler");
        Assert.Equal(0, probe.AllocatedWhileMeasuring);
    }

    /// <summary>Reads the Apply thread's allocation counter at the end of the warm-up and after the measured frames.</summary>
    private sealed class AllocationProbe(int warmUp, int measured) : IFrameHandler
    {
        private long _start;

        public int Count { get; private set; }

        public long AllocatedWhileMeasuring { get; private set; } = -1;

        public ManualResetEventSlim Done { get; } = new();

        public void OnEvents(Session session, Participant sender, PacketClass packetClass, ReadOnlySpan<byte> eventBlocks)
        {
            Count++;
            if (Count == warmUp)
            {
                _start = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (Count == warmUp + measured)
            {
                AllocatedWhileMeasuring = GC.GetAllocatedBytesForCurrentThread() - _start;
                Done.Set();
            }
        }
    }
}
