using Elara.Fast.Ring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Elara.Fast.Transport;

/// <summary>
/// The last stage of the egress pipeline: a ring processor that drains sealed frames from an <see cref="EgressRing"/>
/// and sends them in batches of up to 64 (one <c>sendmmsg</c> per batch on the Linux transport).
/// </summary>
/// <remarks>
/// A batch is flushed when it is full or at the end of what is available (<c>endOfBatch</c>), so under load the
/// kernel sees full batches and at low rate a frame leaves at once. The frames are sent from their slots (no copy);
/// the processor advances its sequence, freeing the slots for producers, only after the send returned.
/// </remarks>
public sealed class TransmitStage : IDisposable
{
    /// <summary>Most frames per send call.</summary>
    public const int MaxBatch = 64;

    private readonly BatchEventProcessor<OutboundFrame, Handler> _processor;

    /// <summary>Creates the stage; call <see cref="Start"/> to run it.</summary>
    public TransmitStage(EgressRing ring, IDatagramTransport transport, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(transport);
        var handler = new Handler(ring, transport, new OutboundDatagram[MaxBatch], logger ?? NullLogger.Instance);
        _processor = new BatchEventProcessor<OutboundFrame, Handler>(ring.Ring, handler);
        ring.Ring.AddGatingSequences(_processor.Sequence);
    }

    /// <summary>The processor's sequence: the last frame handed to the transport.</summary>
    public Sequence Sequence => _processor.Sequence;

    /// <summary>Starts the stage's thread.</summary>
    public void Start() => _processor.Start("elara-transmit");

    /// <summary>Stops the stage's thread (frames not yet drained stay in the ring).</summary>
    public void Dispose() => _processor.Halt();

    private struct Handler(EgressRing ring, IDatagramTransport transport, OutboundDatagram[] batch, ILogger logger) : IEventHandler<OutboundFrame>
    {
        private int _count;

        public void OnEvent(ref OutboundFrame entry, long sequence, bool endOfBatch)
        {
            if (entry.Channel is { } channel)
            {
                // Sealing here keeps every Seal of a channel on this one thread, in ring order (SecureChannel's contract).
                entry.Channel = null; // the slot must not keep a retired channel reachable
                if (entry.RetireChannel)
                {
                    channel.Dispose();
                }
                else if (entry.Length > 0 && channel.Seal(ring.Slab.GetSlot(sequence)[..entry.Length]) != Crypto.SealStatus.Ok)
                {
                    ring.CountSealFailure();
                    entry.Length = 0;
                }
            }

            if (entry.Length > 0)
            {
                batch[_count++] = new OutboundDatagram(ring.Slab.GetSlotMemory(sequence)[..entry.Length], entry.Destination);
            }

            if (_count > 0 && (endOfBatch || _count == batch.Length))
            {
                Flush();
            }
        }

        private void Flush()
        {
            try
            {
                transport.Send(batch.AsSpan(0, _count));
            }
            catch (ObjectDisposedException exception)
            {
                // The transport closed under a running stage (shutdown order); the frames are dropped.
                TransportLog.TransmitFaulted(logger, exception);
            }

            _count = 0;
        }
    }
}
