using Elara.Fast.Primitives;

namespace Elara.Fast.State;

/// <summary>Bounds of one reconciliation session with one peer, each way.</summary>
internal sealed class ReconciliationLimits
{
    /// <summary>Entries the outgoing queue holds (digest entries, requests, atoms to send), and atoms accepted from the peer.</summary>
    public int MaxAtoms { get; init; } = 16_384;

    /// <summary>Event-block bytes sent to the peer, and accepted from it, over the session (8 MiB).</summary>
    public long MaxBytes { get; init; } = 8L * 1024 * 1024;

    internal void Validate()
    {
        if (MaxAtoms <= 0 || MaxBytes <= 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(ReconciliationLimits), "Reconciliation limits must be positive.");
        }
    }
}

/// <summary>How a reconciliation step ended.</summary>
internal enum ReconciliationStatus : byte
{
    /// <summary>Everything queued was written (or accepted).</summary>
    Done,

    /// <summary>The frame is full: send it and call again with the next one.</summary>
    FrameFull,

    /// <summary>The session's atom bound was reached: the rest was dropped and counted.</summary>
    AtomLimitExceeded,

    /// <summary>The session's byte bound was reached: the rest was dropped and counted.</summary>
    ByteLimitExceeded,
}
