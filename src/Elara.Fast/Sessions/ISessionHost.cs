using Elara.Fast.Primitives;

namespace Elara.Fast.Sessions;

/// <summary>What a <see cref="Session"/> asks of the node that holds it (implemented by the runtime, one layer up).</summary>
internal interface ISessionHost
{
    SendStatus SendCore(Session session, ReadOnlySpan<byte> eventBlocks);

    SendStatus Send(Session session, PacketClass packetClass, RepresentationProfile profile, ReadOnlySpan<byte> eventBlocks, int timeHint);

    SendStatus UpdateState(Session session, StateId id, ReadOnlySpan<byte> value);

    Task<byte[]?> ReadStateAsync(Session session, StateId id);

    Task LeaveAsync(Session session);

    /// <summary>A fresh id: unique for this node across restarts (wall-clock based), used for messages, edits and streams.</summary>
    ulong NextId();

    /// <summary>Runs <paramref name="read"/> on the Apply thread with the session's streams and the current timestamp.</summary>
    Task<T> ReadStreamsAsync<T>(Session session, Func<SessionStreams, long, T> read);

    /// <summary>Runs <paramref name="command"/> on the Apply thread with the session's streams (fire and forget).</summary>
    void PostStreams(Session session, Action<SessionStreams> command);
}
