namespace Elara.Fast.Ring;

/// <summary>What a processor does when its handler throws. The processor continues after a call returns.</summary>
/// <remarks>
/// If a method of this interface itself throws, the processor stops and exposes the exception in
/// <see cref="IEventProcessor.Fault"/>; it never dies silently.
/// </remarks>
/// <typeparam name="T">The ring entry type.</typeparam>
public interface IExceptionHandler<T>
    where T : struct
{
    /// <summary>The handler threw while handling <paramref name="sequence"/>; the processor moves on to the next event.</summary>
    void HandleEventException(Exception exception, long sequence, ref T entry);

    /// <summary>An optional callback (<paramref name="callback"/>: batch start, timeout, start, shutdown) threw.</summary>
    void HandleCallbackException(Exception exception, string callback);
}
