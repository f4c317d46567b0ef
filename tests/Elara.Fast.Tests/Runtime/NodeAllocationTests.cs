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
        var (a, _) = await kit.StartAsync(Steady);
        var (b, _) = await kit.StartAsync(Steady);
        var probe = new AllocationProbe(warmUp: 3_000, window: 2_000, windows: 5);
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

        // A per-frame allocation shows in every window; control-plane work that runs once (the first keepalive's
        // clock, a cold path's first run) shows in one, so the least window is the per-frame figure.
        Assert.True(probe.Windows.Min() == 0, $"bytes allocated per window of 2,000 frames: {string.Join(", ", probe.Windows)}");
    }

    /// <summary>
    /// Degradation never steps in: changing a level is control-plane work (tested in NodeSessionTests), and a loaded
    /// CI machine would otherwise change levels during the measured frames.
    /// </summary>
    private static NodeConfig Steady(NodeConfig config) => config with
    {
        Degradation = new DegradationConfig
        {
            IngressOccupancy = [0.95, 0.96, 0.97, 0.98, 0.99],
            EgressOccupancy = [0.95, 0.96, 0.97, 0.98, 0.99],
            PeerLoss = [0.95, 0.96, 0.97, 0.98, 0.99],
            PeerRoundTrip = [TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(61), TimeSpan.FromSeconds(62), TimeSpan.FromSeconds(63), TimeSpan.FromSeconds(64)],
            HighWaterMark = 0.95,
        },
    };

    /// <summary>Reads the Apply thread's allocation counter after the warm-up and after each window of frames.</summary>
    private sealed class AllocationProbe(int warmUp, int window, int windows) : IFrameHandler
    {
        private long _start;

        public int Count { get; private set; }

        public List<long> Windows { get; } = new(windows);

        public ManualResetEventSlim Done { get; } = new();

        public void OnEvents(Session session, Participant sender, PacketClass packetClass, ReadOnlySpan<byte> eventBlocks)
        {
            Count++;
            if (Count < warmUp || (Count - warmUp) % window != 0 || Windows.Count == windows)
            {
                return;
            }

            var now = GC.GetAllocatedBytesForCurrentThread();
            if (Count > warmUp)
            {
                Windows.Add(now - _start);
                if (Windows.Count == windows)
                {
                    Done.Set();
                }
            }

            _start = GC.GetAllocatedBytesForCurrentThread();
        }
    }
}
