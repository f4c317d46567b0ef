using System.Buffers;

namespace Elara.Fast.Runtime;

/// <summary>
/// The reliable side of Core traffic to one peer: every message keeps its bytes here, numbered 1, 2, 3 … within
/// this window's incarnation, until the peer acknowledges it; <see cref="CollectDue"/> names the ones to send again.
/// Apply stage only.
/// </summary>
/// <remarks>
/// Bounded: <see cref="Capacity"/> messages in flight, their bytes in one slab allocated with the window. Past
/// that, messages wait in an overflow queue (bounded by <see cref="MaxOverflow"/>, in pooled buffers); past that
/// they are refused and counted, never dropped silently.
/// Retransmission backs off: each retry waits twice as long as the one before, up to <see cref="MaxBackoff"/>.
/// </remarks>
internal sealed class CoreSendWindow
{
    public const int Capacity = 256;
    public const int MaxOverflow = 4096;
    public const int MaxMessage = Wire.FrameLayout.MaxPayload - DeliveryHeader.Size;
    private static readonly long MaxBackoff = TimeSpan.TicksPerSecond * 2;

    // One slab allocated with the window: steady-state sending never allocates, whenever the first message goes.
    private readonly byte[] _slab = GC.AllocateUninitializedArray<byte>(Capacity * MaxMessage);
    private readonly int[] _lengths = new int[Capacity];
    private readonly long[] _sentAt = new long[Capacity];
    private readonly int[] _retries = new int[Capacity];
    private readonly bool[] _acked = new bool[Capacity];
    // Deferred messages live in pooled buffers (rented and returned on the Apply thread), so a burst past the window
    // allocates only until the pool is warm.
    private readonly Queue<(byte[] Buffer, int Length)> _overflow = new();
    private uint _base = 1; // oldest message not yet acknowledged
    private uint _next = 1; // the number the next message gets

    public CoreSendWindow(uint incarnation) => Incarnation = incarnation;

    /// <summary>This stream's incarnation: the peer acknowledges messages of this one only.</summary>
    public uint Incarnation { get; private set; }

    public int InFlight => (int)(_next - _base);

    public int Overflowing => _overflow.Count;

    public long Retransmissions { get; private set; }

    public long Refused { get; private set; }

    /// <summary>
    /// Numbers and keeps a message; false when the window is full or older messages still wait in the overflow
    /// queue (it then goes to <see cref="Defer"/>, behind them, so the order holds). A message taken from the
    /// overflow queue passes <paramref name="deferred"/> true.
    /// </summary>
    public bool TryAdd(ReadOnlySpan<byte> blocks, long now, out uint sequence, out ReadOnlySpan<byte> stored, bool deferred = false)
    {
        if ((!deferred && _overflow.Count > 0) || _next - _base >= Capacity)
        {
            sequence = 0;
            stored = default;
            return false;
        }

        sequence = _next++;
        var index = (int)(sequence % Capacity);
        var slot = _slab.AsSpan(index * MaxMessage, MaxMessage);
        blocks.CopyTo(slot);
        _lengths[index] = blocks.Length;
        _sentAt[index] = now;
        _retries[index] = 0;
        _acked[index] = false;
        stored = slot[..blocks.Length];
        return true;
    }

    /// <summary>Keeps a message that found the window full, to be numbered once room frees; false (counted) past the bound.</summary>
    public bool Defer(ReadOnlySpan<byte> blocks)
    {
        if (_overflow.Count >= MaxOverflow)
        {
            Refused++;
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(blocks.Length);
        blocks.CopyTo(buffer);
        _overflow.Enqueue((buffer, blocks.Length));
        return true;
    }

    /// <summary>
    /// Takes the oldest deferred message if the window has room now; the caller hands <paramref name="buffer"/> back
    /// with <see cref="ReturnDeferred"/> once it is numbered.
    /// </summary>
    public bool TryTakeDeferred(out byte[] buffer, out int length)
    {
        if (_overflow.Count > 0 && _next - _base < Capacity)
        {
            (buffer, length) = _overflow.Dequeue();
            return true;
        }

        buffer = [];
        length = 0;
        return false;
    }

    /// <summary>Returns a buffer <see cref="TryTakeDeferred"/> gave out.</summary>
    public static void ReturnDeferred(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    /// <summary>Takes an acknowledgement: everything up to <paramref name="ack"/>, plus the messages its bits name.</summary>
    public void OnAck(uint ackIncarnation, uint ack, uint bits)
    {
        if (ackIncarnation != Incarnation || _base == _next)
        {
            return;
        }

        if ((int)(ack - (_next - 1)) > 0)
        {
            ack = _next - 1; // a peer cannot acknowledge what was never sent
        }

        while (_base != _next && (int)(ack - _base) >= 0)
        {
            Release(_base);
            _base++;
        }

        for (var i = 0; i < 32 && bits != 0; i++, bits >>= 1)
        {
            var sequence = ack + 2 + (uint)i;
            if ((bits & 1) != 0 && (int)(sequence - _base) >= 0 && (int)(sequence - _next) < 0)
            {
                _acked[sequence % Capacity] = true;
            }
        }

        while (_base != _next && _acked[_base % Capacity])
        {
            Release(_base);
            _base++;
        }
    }

    /// <summary>Calls <paramref name="resend"/> for every unacknowledged message whose timer ran out, and rearms it.</summary>
    public int CollectDue<TState>(long now, long timeout, TState state, Action<TState, uint, ReadOnlySpan<byte>> resend)
    {
        var count = 0;
        for (var sequence = _base; sequence != _next; sequence++)
        {
            var index = (int)(sequence % Capacity);
            if (_acked[index])
            {
                continue;
            }

            var wait = Math.Min(timeout << Math.Min(_retries[index], 6), MaxBackoff);
            if (now - _sentAt[index] < wait)
            {
                continue;
            }

            _sentAt[index] = now;
            _retries[index]++;
            Retransmissions++;
            count++;
            resend(state, sequence, _slab.AsSpan(index * MaxMessage, _lengths[index]));
        }

        return count;
    }

    /// <summary>Forgets every message and starts a new incarnation (the peer restarted: what was in flight was for its old self).</summary>
    public void Restart()
    {
        for (var sequence = _base; sequence != _next; sequence++)
        {
            Release(sequence);
        }

        while (_overflow.TryDequeue(out var deferred))
        {
            ArrayPool<byte>.Shared.Return(deferred.Buffer);
        }

        Incarnation++;
        _base = 1;
        _next = 1;
    }

    private void Release(uint sequence)
    {
        var index = (int)(sequence % Capacity);
        _lengths[index] = 0;
        _acked[index] = false;
    }
}
