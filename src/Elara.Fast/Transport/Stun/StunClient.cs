using System.Diagnostics.CodeAnalysis;

namespace Elara.Fast.Transport.Stun;

/// <summary>
/// STUN client transactions over UDP (RFC 8489 §6.2.1): a request is sent, then retransmitted after
/// RTO, 2·RTO, 4·RTO … until Rc transmissions, and the transaction fails Rm·RTO after the last one.
/// Transport-agnostic: requests leave through a <see cref="DatagramSender"/>; whoever owns the socket
/// hands responses to <see cref="TryHandleResponse(ReadOnlySpan{byte})"/>. Control plane: a transaction allocates its
/// request copy, a timer and a task, nothing per received datagram that does not match.
/// </summary>
public sealed class StunClient : IDisposable
{
    private readonly DatagramSender _send;
    private readonly StunClientOptions _options;
    // Guards _pending and each transaction's state; held only for dictionary/state updates, never while sending.
    private readonly Lock _gate = new();
    private readonly Dictionary<StunTransactionId, Transaction> _pending = [];
    private bool _disposed;
    private long _unmatchedResponses;

    /// <summary>A client sending through <paramref name="send"/>.</summary>
    public StunClient(DatagramSender send, StunClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(send);
        _options = options ?? new StunClientOptions();
        _options.Validate();
        _send = send;
    }

    /// <summary>The retransmission settings.</summary>
    public StunClientOptions Options => _options;

    /// <summary>Responses that matched no transaction in flight (late duplicates, forgeries).</summary>
    public long UnmatchedResponses => Interlocked.Read(ref _unmatchedResponses);

    /// <summary>Transactions in flight.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> (a whole STUN request; its transaction id identifies the response)
    /// and retransmits it until a response arrives, the transaction times out, or it is cancelled.
    /// </summary>
    public Task<StunTransactionResult> SendRequestAsync(ReadOnlySpan<byte> request, CancellationToken cancellationToken = default)
    {
        if (!StunMessageReader.TryParse(request, out var reader, out _) || reader.Class != StunClass.Request)
        {
            return Task.FromResult(new StunTransactionResult(StunTransactionStatus.InvalidRequest, null, 0));
        }

        var transaction = new Transaction(this, request.ToArray(), reader.TransactionId);
        lock (_gate)
        {
            if (_disposed)
            {
                return Task.FromResult(new StunTransactionResult(StunTransactionStatus.Cancelled, null, 0));
            }

            if (_pending.Count >= _options.MaxPendingTransactions || !_pending.TryAdd(transaction.Id, transaction))
            {
                return Task.FromResult(new StunTransactionResult(StunTransactionStatus.TooManyPending, null, 0));
            }

            transaction.Start(cancellationToken);
        }

        try
        {
            transaction.Transmit();
        }
        catch
        {
            // The sender threw (a caller's delegate): do not leave a transaction retransmitting behind.
            if (Forget(transaction))
            {
                transaction.Complete(StunTransactionStatus.Cancelled, null);
            }

            throw;
        }

        return transaction.Completion.Task;
    }

    /// <summary>Parses <paramref name="datagram"/> and, if it is a response to a transaction in flight, completes it.</summary>
    public bool TryHandleResponse(ReadOnlySpan<byte> datagram)
        => StunMessageReader.TryParse(datagram, out var reader, out _) && TryHandleResponse(reader);

    /// <summary>Completes the transaction <paramref name="response"/> answers, if one is in flight.</summary>
    public bool TryHandleResponse(in StunMessageReader response)
    {
        if (response.Class is not (StunClass.SuccessResponse or StunClass.ErrorResponse))
        {
            return false;
        }

        Transaction? transaction;
        lock (_gate)
        {
            if (!_pending.Remove(response.TransactionId, out transaction))
            {
                _unmatchedResponses++;
                return false;
            }
        }

        transaction.Complete(StunTransactionStatus.Response, new StunResponse(response.Message.ToArray()));
        return true;
    }

    /// <summary>
    /// Sends a Binding request (with FINGERPRINT, RFC 8489 §7.3) and returns the reflexive address from the
    /// success response (XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from an RFC 3489 server).
    /// </summary>
    public async Task<StunBindingResult> BindingAsync(CancellationToken cancellationToken = default)
    {
        var result = await SendRequestAsync(BuildBindingRequest(StunTransactionId.NewId()), cancellationToken).ConfigureAwait(false);
        if (result.Status != StunTransactionStatus.Response)
        {
            return new StunBindingResult(result.Status, default, 0, string.Empty, result.Transmissions);
        }

        var response = result.Response!;
        if (response.Class == StunClass.ErrorResponse)
        {
            return new StunBindingResult(result.Status, default, response.ErrorCode, response.ErrorReason, result.Transmissions);
        }

        return response.Reader.TryGetReflexiveAddress(out var address)
            ? new StunBindingResult(result.Status, address, 0, string.Empty, result.Transmissions)
            : new StunBindingResult(result.Status, default, 0, "the response carries no mapped address", result.Transmissions);
    }

    /// <summary>Completes every transaction in flight as cancelled and stops their timers.</summary>
    public void Dispose()
    {
        List<Transaction> pending;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pending = [.. _pending.Values];
            _pending.Clear();
        }

        foreach (var transaction in pending)
        {
            transaction.Complete(StunTransactionStatus.Cancelled, null);
        }
    }

    private static byte[] BuildBindingRequest(StunTransactionId id)
    {
        Span<byte> buffer = stackalloc byte[64];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.Request, id);
        writer.AddFingerprint();
        writer.TryGetMessage(out var message);
        return message.ToArray();
    }

    private bool Forget(Transaction transaction)
    {
        lock (_gate)
        {
            return _pending.Remove(transaction.Id);
        }
    }

    private sealed class Transaction
    {
        private readonly StunClient _owner;
        private readonly byte[] _request;
        private ITimer? _timer;
        private CancellationTokenRegistration _cancellation;
        private TimeSpan _rto;
        private int _transmissions;

        public Transaction(StunClient owner, byte[] request, StunTransactionId id)
        {
            _owner = owner;
            _request = request;
            Id = id;
            _rto = owner._options.InitialRto;
        }

        public StunTransactionId Id { get; }

        // Continuations run on the pool, never on the receive thread that completes the transaction.
        public TaskCompletionSource<StunTransactionResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Start(CancellationToken cancellationToken)
        {
            _timer = _owner._options.TimeProvider.CreateTimer(static state => ((Transaction)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(static state =>
                {
                    var transaction = (Transaction)state!;
                    if (transaction._owner.Forget(transaction))
                    {
                        transaction.Complete(StunTransactionStatus.Cancelled, null);
                    }
                }, this);
            }
        }

        // Sends the request once and arms the timer for the next step: the next retransmission after
        // the current RTO (then doubled), or, after the last of Rc sends, the final Rm·RTO wait.
        public void Transmit()
        {
            if (Completion.Task.IsCompleted)
            {
                return;
            }

            var options = _owner._options;
            var count = Interlocked.Increment(ref _transmissions);
            var wait = count < options.MaxTransmissions ? _rto : options.InitialRto * options.FinalWaitMultiplier;
            _rto *= 2;
            _timer?.Change(wait, Timeout.InfiniteTimeSpan);
            _owner._send(_request);
        }

        public void Complete(StunTransactionStatus status, StunResponse? response)
        {
            if (Completion.TrySetResult(new StunTransactionResult(status, response, Volatile.Read(ref _transmissions))))
            {
                _timer?.Dispose();
                _cancellation.Dispose();
            }
        }

        [SuppressMessage("Design", "CA1031", Justification = "A timer callback must not throw: a failing sender ends the transaction instead.")]
        private void OnTimer()
        {
            if (Volatile.Read(ref _transmissions) >= _owner._options.MaxTransmissions)
            {
                if (_owner.Forget(this))
                {
                    Complete(StunTransactionStatus.TimedOut, null);
                }

                return;
            }

            try
            {
                Transmit();
            }
            catch (Exception)
            {
                if (_owner.Forget(this))
                {
                    Complete(StunTransactionStatus.TimedOut, null);
                }
            }
        }
    }
}
