using CsCheck;
using Elara.Fast.Crypto;

namespace Elara.Fast.Tests.Crypto;

public sealed class ReplayWindowTests
{
    /// <summary>The obviously-correct model: every accepted counter in a set, plus the window's lower bound.</summary>
    private sealed class Model
    {
        private readonly HashSet<uint> _seen = [];
        private long _highest = -1;

        public ReplayVerdict Check(uint counter)
        {
            if (counter > _highest)
            {
                return ReplayVerdict.Fresh;
            }

            if (counter <= _highest - ReplayWindow.WindowSize)
            {
                return ReplayVerdict.TooOld;
            }

            return _seen.Contains(counter) ? ReplayVerdict.Replay : ReplayVerdict.Fresh;
        }

        public void Commit(uint counter)
        {
            _seen.Add(counter);
            _highest = Math.Max(_highest, counter);
        }
    }

    [Fact]
    public void The_window_remembers_at_least_2048_counters()
    {
        Assert.True(ReplayWindow.WindowSize >= 2048);
    }

    /// <summary>
    /// Random streams of (counter, tag verifies?) mixing small steps, replays, reordering, big jumps and
    /// counters near the window edge: the bitmap window and the model decide every frame the same way,
    /// and a frame whose tag fails never changes either.
    /// </summary>
    [Fact]
    public void Window_decides_exactly_like_the_set_model_on_random_streams()
    {
        var step = Gen.OneOf(
            Gen.Int[-40, 40],
            Gen.Int[-ReplayWindow.WindowSize - 70, -ReplayWindow.WindowSize + 70],
            Gen.Int[0, 3],
            Gen.Int[60, 9000],
            Gen.Const(0));
        var frame = Gen.Select(step, Gen.Int[0, 9]);
        Gen.Select(Gen.UInt[0, 70_000], frame.Array[1, 600]).Sample(input =>
        {
            var (start, frames) = input;
            var window = new ReplayWindow();
            var model = new Model();
            long last = start;
            foreach (var (delta, tagDice) in frames)
            {
                var counter = (uint)Math.Clamp(last + delta, 0, uint.MaxValue);
                var verdict = window.Check(counter);
                Assert.Equal(model.Check(counter), verdict);
                var tagVerifies = tagDice != 0;
                if (verdict == ReplayVerdict.Fresh && tagVerifies)
                {
                    Assert.True(window.Commit(counter));
                    model.Commit(counter);
                }

                last = Math.Max(last, counter);
            }
        }, iter: 400);
    }

    [Fact]
    public void Counter_zero_is_accepted_first_and_then_is_a_replay()
    {
        var window = new ReplayWindow();
        Assert.Equal(ReplayVerdict.Fresh, window.Check(0));
        Assert.True(window.Commit(0));
        Assert.Equal(ReplayVerdict.Replay, window.Check(0));
        Assert.False(window.Commit(0));
    }

    [Fact]
    public void The_edge_of_the_window_is_exact()
    {
        var window = new ReplayWindow();
        const uint Top = 100_000;
        Assert.True(window.Commit(Top));
        Assert.Equal(ReplayVerdict.Fresh, window.Check(Top - ReplayWindow.WindowSize + 1));
        Assert.Equal(ReplayVerdict.TooOld, window.Check(Top - ReplayWindow.WindowSize));
        Assert.Equal(ReplayVerdict.Fresh, window.Check(uint.MaxValue));
    }

    [Fact]
    public void A_jump_beyond_the_ring_forgets_every_old_bit()
    {
        var window = new ReplayWindow();
        for (uint c = 0; c < 5000; c++)
        {
            Assert.True(window.Commit(c));
        }

        const uint Far = 1_000_000;
        Assert.True(window.Commit(Far));
        for (var c = Far - ReplayWindow.WindowSize + 1; c < Far; c++)
        {
            Assert.Equal(ReplayVerdict.Fresh, window.Check(c));
        }
    }
}
