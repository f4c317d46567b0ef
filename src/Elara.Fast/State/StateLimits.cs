using Elara.Fast.Primitives;
using Elara.Fast.Wire;

namespace Elara.Fast.State;

/// <summary>The bounds of one session's state field. Exceeding one is a <see cref="StateStatus"/> and a counter, never growth.</summary>
internal sealed class StateLimits
{
    /// <summary>
    /// The largest encoded atom (its version vector and state) that still travels as one event block in one frame
    /// without extensions: 1400 − 30 − 16 payload bytes, less the block's fixed part and the Merge tag and length.
    /// </summary>
    public const int FrameAtomBytes = FrameLayout.MaxPayload - EventBlock.FixedSize - 3;

    /// <summary>Atoms (tombstones included) a session holds at most.</summary>
    public int MaxAtoms { get; init; } = 65_536;

    /// <summary>Encoded bytes of all atoms together.</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Encoded bytes of one atom, version vector included; at most <see cref="FrameAtomBytes"/>.</summary>
    public int MaxAtomBytes { get; init; } = FrameAtomBytes;

    /// <summary>Nodes in one version vector.</summary>
    public int MaxVersionEntries { get; init; } = 64;

    /// <summary>Participants whose acknowledgements a tombstone waits for.</summary>
    public int MaxParticipants { get; init; } = 256;

    internal void Validate()
    {
        if (MaxAtoms <= 0 || MaxBytes <= 0 || MaxAtomBytes <= 0 || MaxAtomBytes > FrameAtomBytes
            || MaxVersionEntries <= 0 || MaxParticipants <= 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(StateLimits), "State limits must be positive and an atom must fit one frame.");
        }
    }
}
