namespace Elara.Fast.Time;

/// <summary>
/// One NTP-style exchange (RFC 5905 §8): <see cref="T1"/> the request left us (our τp), <see cref="T2"/> it reached
/// the peer and <see cref="T3"/> the reply left the peer (the peer's τp), <see cref="T4"/> the reply reached us
/// (our τp). Offset θ = ((T2 − T1) + (T3 − T4)) / 2 is the peer's τp minus our τp, exact when the two paths take
/// equal time; otherwise it is off by half their difference. Delay δ = (T4 − T1) − (T3 − T2) is the round trip
/// without the peer's turnaround, and the true offset lies within θ ± δ/2 whatever the asymmetry.
/// </summary>
internal readonly record struct TimeSyncSample(long T1, long T2, long T3, long T4)
{
    /// <summary>The longest round trip accepted (10 s): anything slower is a stale or forged reply.</summary>
    public const long MaxDelay = 10 * TimeSpan.TicksPerSecond;

    /// <summary>Computes θ and δ, or returns false for timestamps that are not a possible exchange.</summary>
    public bool TryCompute(out long offset, out long delay)
    {
        // Int128: a forged timestamp near ±2^63 must not overflow into a plausible value.
        var d = ((Int128)T4 - T1) - ((Int128)T3 - T2);
        var o = (((Int128)T2 - T1) + ((Int128)T3 - T4)) / 2;
        if (d < 0 || d > MaxDelay || T3 < T2 || T4 < T1 || o > long.MaxValue / 2 || o < long.MinValue / 2)
        {
            offset = 0;
            delay = 0;
            return false;
        }

        offset = (long)o;
        delay = (long)d;
        return true;
    }
}
