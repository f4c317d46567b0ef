namespace Elara.Fast.Tests.Ring;

/// <summary>
/// Tests that measure the whole process (CPU time, total allocation) run alone, after the parallel tests, so other
/// tests' threads do not show up in their figures.
/// </summary>
[CollectionDefinition(nameof(RingQuietCollection), DisableParallelization = true)]
public sealed class RingQuietCollection;
