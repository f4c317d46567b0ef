using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Elara.Fast.Crypto;

/// <summary>
/// A token bucket: <c>rate</c> tokens a second, at most <c>burst</c> stored, one token per initiation. Kept in
/// timestamp ticks (<see cref="TimeProvider.GetTimestamp"/>) so it never drifts with floating point.
/// </summary>
internal struct TokenBucket
{
    private long _tokens;     // in ticks: one token costs TicksPerToken
    private long _lastUpdate;

    public static TokenBucket Full(long capacityTicks, long now) => new() { _tokens = capacityTicks, _lastUpdate = now };

    public bool IsFull(long capacityTicks, long now) => Math.Min(capacityTicks, _tokens + (now - _lastUpdate)) >= capacityTicks;

    public bool TryTake(long ticksPerToken, long capacityTicks, long now)
    {
        _tokens = Math.Min(capacityTicks, _tokens + Math.Max(0, now - _lastUpdate));
        _lastUpdate = now;
        if (_tokens < ticksPerToken)
        {
            return false;
        }

        _tokens -= ticksPerToken;
        return true;
    }
}

/// <summary>What the rate limiter decided for one initiation.</summary>
internal enum RateDecision : byte
{
    /// <summary>Within the source's rate; a token was taken.</summary>
    Allowed,

    /// <summary>The source is over its rate.</summary>
    OverRate,

    /// <summary>The source is not tracked and the table is full of busy sources.</summary>
    TableFull,
}

/// <summary>
/// Per-source rate limit on initiations: a <see cref="TokenBucket"/> per source address (the address bytes;
/// WireGuard keys by IP). The table holds at most <c>capacity</c> sources; when it is full, idle sources (full
/// buckets) are swept out, and if it is still full a new source gets <see cref="RateDecision.TableFull"/>, which
/// sends it the cookie path: spoofing many addresses cannot grow the table. A source that proved its address
/// (valid mac2) may evict an arbitrary entry instead (<c>evictIfFull</c>), so a flood of spoofed sources that
/// filled the table cannot lock real peers out; evicting a spoofed entry only resets that address's bucket.
/// </summary>
/// <remarks>Not thread-safe: the responder calls it under its own lock.</remarks>
internal sealed class HandshakeRateLimiter
{
    private readonly Dictionary<SourceKey, TokenBucket> _buckets = [];
    private readonly TimeProvider _timeProvider;
    private readonly long _ticksPerToken;
    private readonly long _capacityTicks;
    private readonly int _capacity;

    public HandshakeRateLimiter(TimeProvider timeProvider, double perSecond, int burst, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _timeProvider = timeProvider;
        _ticksPerToken = Math.Max(1, (long)(timeProvider.TimestampFrequency / perSecond));
        _capacityTicks = _ticksPerToken * burst;
        _capacity = capacity;
    }

    /// <summary>Sources tracked now.</summary>
    public int Count => _buckets.Count;

    /// <summary>Times a new source was refused because the table was full of busy sources.</summary>
    public long TableFullRefusals { get; private set; }

    /// <summary>Takes a token for <paramref name="source"/>; true when it is within its rate.</summary>
    public bool TryAcquire(ReadOnlySpan<byte> source) => Acquire(source, evictIfFull: false) == RateDecision.Allowed;

    /// <summary>Takes a token for <paramref name="source"/>; with <paramref name="evictIfFull"/> an untracked source is admitted even into a full table.</summary>
    public RateDecision Acquire(ReadOnlySpan<byte> source, bool evictIfFull)
    {
        var key = SourceKey.From(source);
        var now = _timeProvider.GetTimestamp();
        ref var bucket = ref CollectionsMarshal.GetValueRefOrNullRef(_buckets, key);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref bucket))
        {
            if (_buckets.Count >= _capacity && !SweepIdle(now))
            {
                if (!evictIfFull)
                {
                    TableFullRefusals++;
                    return RateDecision.TableFull;
                }

                foreach (var victim in _buckets.Keys)
                {
                    _buckets.Remove(victim);
                    break;
                }
            }

            var fresh = TokenBucket.Full(_capacityTicks, now);
            var allowed = fresh.TryTake(_ticksPerToken, _capacityTicks, now);
            _buckets.Add(key, fresh);
            return allowed ? RateDecision.Allowed : RateDecision.OverRate;
        }

        return bucket.TryTake(_ticksPerToken, _capacityTicks, now) ? RateDecision.Allowed : RateDecision.OverRate;
    }

    private bool SweepIdle(long now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IsFull(_capacityTicks, now))
            {
                _buckets.Remove(key);
            }
        }

        return _buckets.Count < _capacity;
    }

    /// <summary>Up to 18 address bytes as a value key (IPv6 and a port fit).</summary>
    private readonly record struct SourceKey(ulong First, ulong Second, uint Third)
    {
        public static SourceKey From(ReadOnlySpan<byte> source)
        {
            Span<byte> padded = stackalloc byte[24];
            padded.Clear();
            source.CopyTo(padded);
            // The length goes into the key so "1.2.3.4" and "1.2.3.4 and zeros" stay distinct.
            padded[23] = (byte)source.Length;
            return new SourceKey(
                BinaryPrimitives.ReadUInt64LittleEndian(padded),
                BinaryPrimitives.ReadUInt64LittleEndian(padded[8..]),
                BinaryPrimitives.ReadUInt32LittleEndian(padded[16..]) ^ ((uint)padded[23] << 24));
        }
    }
}
