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
}
