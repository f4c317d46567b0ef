using Elara.Fast.Primitives;
using Elara.Fast.Sessions;
using Elara.Fast.Wire;

namespace Elara.Fast.Runtime;

/// <summary>Streams, text, typing, presence and the feed: where the node meets <see cref="SessionStreams"/>.</summary>
public sealed partial class Node
{
    // Wall-clock milliseconds at start, shifted: ids stay unique across restarts of the same identity.
    private long _nextId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 20;

    /// <summary>Tests only: this node sends its stream events without applying them first, as a hostile peer would.</summary>
    internal bool SendsUncheckedStreamEvents { get; set; }

    private static NodeDropReason ToDropReason(StreamRefusal refusal) => refusal switch
    {
        StreamRefusal.UnknownStream => NodeDropReason.UnknownStream,
        StreamRefusal.NotAuthor => NodeDropReason.NotAuthor,
        StreamRefusal.UnknownMessage => NodeDropReason.UnknownMessage,
        StreamRefusal.ItemTooLarge => NodeDropReason.ItemTooLarge,
        StreamRefusal.DuplicateItem => NodeDropReason.DuplicateItem,
        _ => NodeDropReason.StreamEventInvalid,
    };

    ulong ISessionHost.NextId() => (ulong)Interlocked.Increment(ref _nextId);

    Task<T> ISessionHost.ReadStreamsAsync<T>(Session session, Func<SessionStreams, long, T> read)
        => Post<T>(completion => completion.TrySetResult(read(session.StreamState, _time.GetTimestamp())));

    void ISessionHost.PostStreams(Session session, Action<SessionStreams> command) => _ = Post<bool>(completion =>
    {
        command(session.StreamState);
        completion.TrySetResult(true);
    });

    /// <summary>
    /// Applies this node's own stream events before they are sent, in the same order as every other event, so this
    /// node's feed is what its peers build. A refused event (an edit of another's message, an unknown stream) is
    /// counted and the whole message is not sent.
    /// </summary>
    private bool ApplyOwnStreamEvents(Session session, ReadOnlySpan<byte> blocks)
    {
        if (SendsUncheckedStreamEvents)
        {
            return true;
        }

        var now = _time.GetTimestamp();
        foreach (var block in new EventBlockReader(blocks))
        {
            if (SessionStreams.Handles(block.EventType) && session.StreamState.Apply(NodeId, PacketClass.Core, block, now) is { } refused)
            {
                Counters.Drop(PacketClass.Core, ToDropReason(refused));
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A new participant hears from this node what it cannot ask for: the streams this node owns, its presence, and
    /// the feed history (the text items this node wrote, and those of authors no longer in the session).
    /// </summary>
    private void SendIntroduction(PeerLink link)
    {
        if (!link.Session.StreamState.InUse)
        {
            return;
        }

        Span<byte> buffer = stackalloc byte[CoreSendWindow.MaxMessage];
        link.Session.StreamState.WriteIntroduction(
            buffer,
            (Node: this, Link: link),
            static (state, node) => state.Link.Session.TryGetParticipant(node, out _),
            static (state, message) => state.Node.SendCoreMessage(state.Link, message));
    }
}
