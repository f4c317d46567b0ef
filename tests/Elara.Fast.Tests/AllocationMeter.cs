namespace Elara.Fast.Tests;

/// <summary>Measures what a body allocates on this thread once warm, robust to one-off runtime work.</summary>
internal static class AllocationMeter
{
    /// <summary>
    /// Bytes <paramref name="body"/> allocates on this thread in steady state: the least over a few runs after two
    /// warm-up runs. A per-iteration allocation shows in every run; the runtime's one-off work on this thread
    /// (on-stack replacement of a long loop, tier-up stubs) shows in one run only, so the minimum ignores it.
    /// </summary>
    public static long SteadyStateBytes(Action body, int attempts = 4)
    {
        body();
        body();
        var least = long.MaxValue;
        for (var attempt = 0; attempt < attempts && least != 0; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            body();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
