namespace Elara.Fast.Time;

/// <summary>
/// The frame header's TIME_HINT (WIRE.md, fixed header offset 22): an i32 count of 100 µs units, the event's time
/// relative to a reference on the τs timeline (the sender's τs when it stamps the frame). All engine times are
/// <see cref="TimeSpan"/> ticks (100 ns), so one hint unit is 1,000 ticks.
/// </summary>
/// <remarks>
/// The i32 range covers ±59.6 hours. A difference beyond it saturates at <see cref="int.MinValue"/> or
/// <see cref="int.MaxValue"/> and says so through <c>saturated</c>: a hint never wraps silently (a wrapped hint
/// would put an event days away on the other side of the timeline). Encoding rounds toward zero, so the decoded
/// time is within one unit (100 µs) of the original and never on the other side of the reference.
/// </remarks>
internal static class TimeHint
{
    /// <summary>Ticks (100 ns) per hint unit (100 µs).</summary>
    public const long TicksPerUnit = 1_000;

    /// <summary>Encodes <paramref name="eventTime"/> relative to <paramref name="reference"/>, saturating at the i32 range.</summary>
    public static int Encode(long eventTime, long reference, out bool saturated)
    {
        // The difference of two arbitrary longs can itself overflow; Int128 cannot.
        var units = ((Int128)eventTime - reference) / TicksPerUnit;
        if (units > int.MaxValue)
        {
            saturated = true;
            return int.MaxValue;
        }

        if (units < int.MinValue)
        {
            saturated = true;
            return int.MinValue;
        }

        saturated = false;
        return (int)units;
    }

    /// <summary>Decodes a hint against <paramref name="reference"/>; the sum saturates at the <see cref="long"/> range.</summary>
    public static long Decode(int hint, long reference)
    {
        var time = (Int128)reference + ((long)hint * TicksPerUnit);
        return time > long.MaxValue ? long.MaxValue : time < long.MinValue ? long.MinValue : (long)time;
    }
}
