using System.Runtime.CompilerServices;

namespace Elara.Fast.Crypto;

/// <summary>The verdict of <see cref="ReplayWindow.Check"/>.</summary>
internal enum ReplayVerdict : byte
{
    /// <summary>Not seen and inside the window: worth decrypting.</summary>
    Fresh = 0,

    /// <summary>Already accepted once.</summary>
    Replay = 1,

    /// <summary>Below the window: too old to tell, so refused.</summary>
    TooOld = 2,
}

/// <summary>
/// Anti-replay for one (sender, class, key generation, epoch): a sliding bitmap over the 32-bit frame counter
/// <c>epoch·65536 + sequence</c>, after RFC 6479 ("IPsec Anti-Replay Algorithm without Bit Shifting") and
/// wireguard-go's <c>replay/replay.go</c>.
/// </summary>
/// <remarks>
/// The bitmap is a ring of 64 words (4096 bits); advancing clears whole words instead of shifting bits.
/// One word is always the partly-filled "current" one, so the window that is exactly remembered is
/// 4096 − 64 = 4032 counters (WIRE.md asks for at least 2048): a counter is fresh iff it was never
/// committed and it is greater than <c>highest − 4032</c>. <see cref="Check"/> runs before decryption and
/// changes nothing; <see cref="Commit"/> runs only after the tag verified, so a forged frame can never move
/// the window. Not thread-safe: one Open stage owns it.
/// </remarks>
internal sealed class ReplayWindow
{
    /// <summary>How many counters below the highest committed one are still remembered exactly.</summary>
    public const int WindowSize = (WordCount - 1) * BitsPerWord;

    private const int BitsPerWord = 64;
    private const int WordCount = 64;
    private const int WordIndexMask = WordCount - 1;

    private readonly ulong[] _bitmap = new ulong[WordCount];

    /// <summary>Highest committed counter, or −1 when nothing was committed yet.</summary>
    private long _highest = -1;

    /// <summary>The highest committed counter, or −1.</summary>
    public long Highest => _highest;

    /// <summary>Decides whether a frame with <paramref name="counter"/> may be decrypted. Changes nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReplayVerdict Check(uint counter)
    {
        if (counter > _highest)
        {
            return ReplayVerdict.Fresh;
        }

        if (_highest - counter >= WindowSize)
        {
            return ReplayVerdict.TooOld;
        }

        var word = _bitmap[(int)(counter / BitsPerWord) & WordIndexMask];
        return (word & (1UL << (int)(counter % BitsPerWord))) != 0 ? ReplayVerdict.Replay : ReplayVerdict.Fresh;
    }

    /// <summary>
    /// Records <paramref name="counter"/> as accepted, after its tag verified. Returns false (and records
    /// nothing) when the counter is not fresh, which on one thread only happens if Check was skipped.
    /// </summary>
    public bool Commit(uint counter)
    {
        if (Check(counter) != ReplayVerdict.Fresh)
        {
            return false;
        }

        var wordOfCounter = (long)(counter / BitsPerWord);
        if (counter > _highest)
        {
            // Clear every word the window slides over (at most the whole ring), RFC 6479 §2.
            var wordOfHighest = _highest < 0 ? -1 : _highest / BitsPerWord;
            var toClear = Math.Min(wordOfCounter - wordOfHighest, WordCount);
            for (long i = 1; i <= toClear; i++)
            {
                _bitmap[(int)(wordOfHighest + i) & WordIndexMask] = 0;
            }

            _highest = counter;
        }

        _bitmap[(int)wordOfCounter & WordIndexMask] |= 1UL << (int)(counter % BitsPerWord);
        return true;
    }
}
