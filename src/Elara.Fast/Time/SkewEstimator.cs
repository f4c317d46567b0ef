namespace Elara.Fast.Time;

/// <summary>
/// Clock skew (relative frequency error) of a peer: the least-squares slope of filtered offset samples against
/// local time, over a bounded ring of the most recent samples. A slope of 1e-4 is a peer whose clock runs 100 ppm
/// fast. The regression is centred on the means so its sums stay small.
/// </summary>
internal sealed class SkewEstimator
{
    private readonly long[] _times;
    private readonly long[] _offsets;
    private readonly long _minSpan;
    private int _count;
    private int _next;

    // The regression is recomputed once after each change, not on every read: consensus reads every peer's skew
    // on every tick, samples arrive once a second.
    private bool _stale = true;
    private bool _hasSkew;
    private double _skew;

    /// <summary>A regression over the last <paramref name="capacity"/> samples, reported once they span <paramref name="minSpan"/> ticks.</summary>
    public SkewEstimator(int capacity, long minSpan)
    {
        _times = new long[capacity];
        _offsets = new long[capacity];
        _minSpan = minSpan;
    }

    /// <summary>Samples held.</summary>
    public int Count => _count;

    /// <summary>Adds one filtered sample: local time and the peer's offset then.</summary>
    public void Add(long localTime, long offset)
    {
        _times[_next] = localTime;
        _offsets[_next] = offset;
        _next = (_next + 1) % _times.Length;
        if (_count < _times.Length)
        {
            _count++;
        }

        _stale = true;
    }

    /// <summary>Forgets every sample (the peer's clock jumped).</summary>
    public void Clear()
    {
        _count = 0;
        _next = 0;
        _stale = true;
    }

    /// <summary>The skew as a dimensionless slope (ticks of offset per tick of local time).</summary>
    public bool TryGetSkew(out double skew)
    {
        if (_stale)
        {
            _hasSkew = TryCompute(out _skew);
            _stale = false;
        }

        skew = _skew;
        return _hasSkew;
    }

    private bool TryCompute(out double skew)
    {
        skew = 0;
        if (_count < 3)
        {
            return false;
        }

        long min = long.MaxValue, max = long.MinValue;
        double meanX = 0, meanY = 0;
        var x0 = _times[0];
        var y0 = _offsets[0];
        for (var i = 0; i < _count; i++)
        {
            min = Math.Min(min, _times[i]);
            max = Math.Max(max, _times[i]);
            meanX += _times[i] - x0;
            meanY += _offsets[i] - y0;
        }

        if (max - min < _minSpan || max == min)
        {
            return false;
        }

        meanX /= _count;
        meanY /= _count;
        double sxy = 0, sxx = 0;
        for (var i = 0; i < _count; i++)
        {
            var dx = _times[i] - x0 - meanX;
            sxy += dx * (_offsets[i] - y0 - meanY);
            sxx += dx * dx;
        }

        skew = sxy / sxx;
        return true;
    }
}
