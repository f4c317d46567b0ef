namespace Elara.Fast.Primitives;

/// <summary>
/// How far a node (or its link to one peer) has stepped down to stay alive under load: L0 is full quality, L5
/// carries Core traffic only. Each level sheds packet classes (never Core) and names the media ladders' level.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>L0</term><description>nothing shed; media at full quality.</description></item>
/// <item><term>L1</term><description>Cosmetic shed; media one step down.</description></item>
/// <item><term>L2</term><description>Cosmetic and Enhancement shed.</description></item>
/// <item><term>L3</term><description>as L2; media ladders at their middle rung.</description></item>
/// <item><term>L4</term><description>as L2, and Repair shed; media at the lowest rung that still plays.</description></item>
/// <item><term>L5</term><description>everything but Core shed (Perceptual too): the session stays consistent, media pauses.</description></item>
/// </list>
/// </remarks>
public enum DegradationLevel : byte
{
    /// <summary>Full quality, nothing shed.</summary>
    L0 = 0,

    /// <summary>Cosmetic frames shed.</summary>
    L1 = 1,

    /// <summary>Cosmetic and Enhancement frames shed.</summary>
    L2 = 2,

    /// <summary>As L2, media ladders at their middle rung.</summary>
    L3 = 3,

    /// <summary>As L3 and Repair frames shed; media at the lowest rung.</summary>
    L4 = 4,

    /// <summary>Core only: every other class is shed.</summary>
    L5 = 5,
}
