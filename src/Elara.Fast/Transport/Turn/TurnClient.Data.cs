using System.Buffers;
using System.Runtime.CompilerServices;
using Elara.Fast.Transport.Stun;

namespace Elara.Fast.Transport.Turn;

public sealed partial class TurnClient
{
    // Largest relayed payload sent from the stack; bigger ones (up to the 16-bit limit) use the shared pool.
    private const int StackSendLimit = 1536;
    // Send indication overhead: header 20 + XOR-PEER-ADDRESS up to 24 + DATA header 4, + 3 padding.
    private const int SendIndicationOverhead = 20 + 24 + 4 + 3;

    /// <summary>
    /// Feeds one datagram received from the TURN server. Responses complete transactions, Data
    /// indications and ChannelData for a known channel go to the data handler. Allocation-free.
    /// </summary>
    /// <returns>True when the datagram was TURN/STUN traffic for this client and was consumed.</returns>
    public bool HandleDatagram(ReadOnlySpan<byte> datagram)
    {
        switch (DatagramClassifier.Classify(datagram))
        {
            case DatagramKind.ChannelData:
                return HandleChannelData(datagram);
            case DatagramKind.Stun:
                return HandleStun(datagram);
            default:
                return false;
        }
    }

    /// <summary>Sends <paramref name="data"/> to <paramref name="peer"/>: over its channel when one is bound, else in a Send indication.</summary>
    /// <returns>False (and nothing sent, counted as dropped) when the payload is too large.</returns>
    public bool Send(StunAddress peer, ReadOnlySpan<byte> data)
        => TryGetChannel(peer, out var channel) ? SendChannelData(channel, data) : SendIndication(peer, data);

    /// <summary>Sends <paramref name="data"/> to <paramref name="peer"/> in a Send indication (RFC 8656 §10.1); needs a permission for the peer.</summary>
    public bool SendIndication(StunAddress peer, ReadOnlySpan<byte> data)
    {
        if (data.Length > ChannelData.MaxPayload - SendIndicationOverhead)
        {
            Interlocked.Increment(ref _droppedDatagrams);
            return false;
        }

        var size = data.Length + SendIndicationOverhead;
        byte[]? rented = null;
        var buffer = size <= StackSendLimit ? stackalloc byte[StackSendLimit] : (rented = ArrayPool<byte>.Shared.Rent(size));
        var writer = new StunMessageWriter(buffer, StunMethod.Send, StunClass.Indication, StunTransactionId.NewId());
        writer.AddXorAddress(StunAttributeType.XorPeerAddress, peer);
        writer.AddAttribute(StunAttributeType.Data, data);
        var ok = writer.TryGetMessage(out var message);
        if (ok)
        {
            _send(message);
        }

        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return ok;
    }

    /// <summary>Sends <paramref name="data"/> on a bound <paramref name="channel"/> as ChannelData (4-byte header, padded to 4).</summary>
    public bool SendChannelData(ushort channel, ReadOnlySpan<byte> data)
    {
        var size = ChannelData.GetMessageLength(data.Length, pad: true);
        byte[]? rented = null;
        var buffer = size <= StackSendLimit ? stackalloc byte[StackSendLimit] : (rented = ArrayPool<byte>.Shared.Rent(size));
        var ok = ChannelData.TryWrite(buffer, channel, data, pad: true, out var written);
        if (ok)
        {
            _send(buffer.Slice(0, written));
        }
        else
        {
            Interlocked.Increment(ref _droppedDatagrams);
        }

        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return ok;
    }

    private bool HandleChannelData(ReadOnlySpan<byte> datagram)
    {
        if (ChannelData.TryRead(datagram, out var channel, out var payload))
        {
            var index = channel - ChannelData.FirstChannel;
            if (Volatile.Read(ref _channelStates[index]) != 0)
            {
                Interlocked.Increment(ref _relayedDatagramsReceived);
                _onData(_channelPeers[index], payload);
                return true;
            }
        }

        Interlocked.Increment(ref _droppedDatagrams);
        return false;
    }

    private bool HandleStun(ReadOnlySpan<byte> datagram)
    {
        if (!StunMessageReader.TryParse(datagram, out var reader, out _))
        {
            Interlocked.Increment(ref _droppedDatagrams);
            return false;
        }

        switch (reader.Class)
        {
            case StunClass.Indication when reader.Method == StunMethod.Data:
                return HandleDataIndication(reader);
            case StunClass.SuccessResponse:
                // RFC 8489 §9.2.5: a success response to an authenticated request must carry a valid
                // MESSAGE-INTEGRITY; one that does not is discarded (the transaction keeps waiting).
                var key = _key;
                if (key is not null && reader.VerifyMessageIntegrity(key) != StunIntegrityStatus.Valid)
                {
                    return CountIntegrityFailure();
                }

                return _stun.TryHandleResponse(reader);
            case StunClass.ErrorResponse:
                return _stun.TryHandleResponse(reader);
            default:
                Interlocked.Increment(ref _droppedDatagrams);
                return false;
        }
    }

    private bool HandleDataIndication(in StunMessageReader reader)
    {
        if (reader.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var peer)
            && reader.TryGetAttribute(StunAttributeType.Data, out var data))
        {
            Interlocked.Increment(ref _relayedDatagramsReceived);
            _onData(peer, data);
            return true;
        }

        Interlocked.Increment(ref _droppedDatagrams);
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool CountIntegrityFailure()
    {
        Interlocked.Increment(ref _integrityFailures);
        return false;
    }
}
