using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Elara.Fast.Time;

/// <summary>How <see cref="StateClock.SetTargetOffset"/> handled a new consensus offset.</summary>
internal enum StateClockAdjustment : byte
{
    /// <summary>τs already runs on the target.</summary>
    None,

    /// <summary>τs will reach the target by slewing at the bounded rate.</summary>
    Slewing,

    /// <summary>The target was far ahead: τs stepped forward to it at once.</summary>
    Stepped,
}

/// <summary>
/// τs, the state clock: the session's shared timeline, τs = τp + offset. The offset moves toward the consensus
/// target at no more than <see cref="TimeEngineOptions.MaxSlewPpm"/> of elapsed τp, so τs runs at 95–105 % of
/// real time and never goes backwards (with a rate below 100 % it cannot). A target more than
/// <see cref="TimeEngineOptions.StepThreshold"/> ahead is reached by one forward step, logged; a target behind
/// is only ever slewed to (stepping back would reorder state already stamped).
/// </summary>
internal sealed class StateClock
{
    private readonly PerceptualClock _perceptual;
    private readonly long _maxSlewPpm;
    private readonly long _stepThreshold;
    private readonly ILogger _logger;
    private long _offset;
    private long _target;
    private long _lastPerceptual;
    private long _last;

    /// <summary>A state clock on <paramref name="perceptual"/>, starting with τs = τp.</summary>
    public StateClock(PerceptualClock perceptual, TimeEngineOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(perceptual);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _perceptual = perceptual;
        _maxSlewPpm = options.MaxSlewPpm;
        _stepThreshold = options.StepThreshold;
        _logger = logger ?? NullLogger.Instance;
        _lastPerceptual = perceptual.Now;
        _last = _lastPerceptual;
    }

    /// <summary>The offset τs − τp applied now.</summary>
    public long Offset => _offset;

    /// <summary>The offset τs is slewing toward.</summary>
    public long TargetOffset => _target;

    /// <summary>Forward steps taken so far.</summary>
    public long Steps { get; private set; }

    /// <summary>τs now.</summary>
    public long Now => Advance(_perceptual.Now);

    /// <summary>The perceptual clock under this one.</summary>
    public PerceptualClock Perceptual => _perceptual;

    /// <summary>Moves the offset toward the target by the slew budget of the τp elapsed since the last call.</summary>
    public long Advance(long perceptualNow)
    {
        var elapsed = perceptualNow - _lastPerceptual;
        if (elapsed > 0)
        {
            _lastPerceptual = perceptualNow;
            var error = _target - _offset;
            if (error != 0)
            {
                var budget = (long)((Int128)elapsed * _maxSlewPpm / 1_000_000);
                _offset += Math.Clamp(error, -budget, budget);
            }
        }

        var now = _lastPerceptual + _offset;
        // Unreachable while the slew rate is below 100 %, kept so the promise does not rest on arithmetic alone.
        if (now < _last)
        {
            now = _last;
        }

        _last = now;
        return now;
    }

    /// <summary>Sets the consensus offset (τs − τp) to converge on.</summary>
    public StateClockAdjustment SetTargetOffset(long targetOffset)
    {
        Advance(_perceptual.Now);
        _target = targetOffset;
        var error = targetOffset - _offset;
        if (error == 0)
        {
            return StateClockAdjustment.None;
        }

        if (error > _stepThreshold)
        {
            return Step(error);
        }

        if (-error > _stepThreshold)
        {
            TimeLog.StateClockSlewingBack(_logger, -error);
        }

        return StateClockAdjustment.Slewing;
    }

    private StateClockAdjustment Step(long error)
    {
        _offset = _target;
        Steps++;
        _last = _lastPerceptual + _offset;
        TimeLog.StateClockStepped(_logger, error, _stepThreshold);
        return StateClockAdjustment.Stepped;
    }
}
