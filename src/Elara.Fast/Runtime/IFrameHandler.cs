using Elara.Fast.Primitives;
using Elara.Fast.Sessions;

namespace Elara.Fast.Runtime;

/// <summary>
/// The embedder's receive side: called on the node's Apply thread for every authenticated application payload
/// (event blocks whose types are profile events, 0x80 and up), in each sender's order for Core. The span is the
/// decrypted payload where it lies in the ring slot: valid only during the call; copy what must outlive it.
/// </summary>
/// <remarks>Keep it short: the whole ingress pipeline waits for it. An exception is caught, counted and logged.</remarks>
public interface IFrameHandler
{
    /// <summary>One payload of event blocks from <paramref name="sender"/> in <paramref name="session"/>.</summary>
    void OnEvents(Session session, Participant sender, PacketClass packetClass, ReadOnlySpan<byte> eventBlocks);
}
