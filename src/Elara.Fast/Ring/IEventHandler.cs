namespace Elara.Fast.Ring;

/// <summary>
/// A consumer's per-event work. Implement it on a <see langword="struct"/>: processors are generic over the handler
/// type, so the JIT calls (and usually inlines) <see cref="OnEvent"/> directly, with no virtual dispatch.
/// </summary>
/// <remarks>
/// The processor keeps the one copy of the handler; state kept in its fields persists across events (read it back
/// through <c>BatchEventProcessor.Handler</c>). Optional callbacks: implement <see cref="IBatchStartHandler"/>,
/// <see cref="ITimeoutHandler"/> or <see cref="ILifecycleHandler"/> on the same struct.
/// </remarks>
/// <typeparam name="T">The ring entry type.</typeparam>
public interface IEventHandler<T>
    where T : struct
{
    /// <summary>Handles one entry, in place.</summary>
    /// <param name="entry">The ring slot; valid only during this call.</param>
    /// <param name="sequence">The entry's sequence.</param>
    /// <param name="endOfBatch">Whether this is the last entry available now: the moment to flush a batch (a <c>sendmmsg</c>, a commit).</param>
    void OnEvent(ref T entry, long sequence, bool endOfBatch);
}

/// <summary>Optional: told how many events a batch holds before its first <see cref="IEventHandler{T}.OnEvent"/>.</summary>
public interface IBatchStartHandler
{
    /// <summary>A batch of <paramref name="batchSize"/> events (this handler's share, for a worker) is about to be handled.</summary>
    void OnBatchStart(long batchSize);
}

/// <summary>Optional: called when the ring's <see cref="TimeoutBlockingWaitStrategy"/> timed out with nothing to do.</summary>
public interface ITimeoutHandler
{
    /// <summary>No event arrived within the timeout; <paramref name="sequence"/> is the last one handled. Do periodic work here.</summary>
    void OnTimeout(long sequence);
}

/// <summary>Optional: called on the processor's own thread when it starts and when it stops.</summary>
public interface ILifecycleHandler
{
    /// <summary>The processor thread started, before the first event (set thread affinity, open resources).</summary>
    void OnStart();

    /// <summary>The processor thread is about to exit (flush, close resources).</summary>
    void OnShutdown();
}
