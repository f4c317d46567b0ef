namespace Elara.Fast.Ring;

/// <summary>A consumer thread draining a ring through its barrier.</summary>
public interface IEventProcessor
{
    /// <summary>The last sequence this processor finished (downstream stages and the producer wait on it).</summary>
    Sequence Sequence { get; }

    /// <summary>Whether the processor thread is running.</summary>
    bool IsRunning { get; }

    /// <summary>The exception that stopped the processor (an exception handler that threw), or <see langword="null"/>.</summary>
    Exception? Fault { get; }

    /// <summary>Starts the processor on a new background thread named <paramref name="threadName"/>.</summary>
    /// <exception cref="InvalidOperationException">It is already running.</exception>
    void Start(string? threadName = null);

    /// <summary>Stops the processor after its current batch and returns once its thread has exited. Idempotent.</summary>
    void Halt();
}
