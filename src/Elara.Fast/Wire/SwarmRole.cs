namespace Elara.Fast.Wire;

/// <summary>The sender's role in a swarm (SwarmRole extension, 1 byte).</summary>
public enum SwarmRole : byte
{
    /// <summary>An ordinary participant.</summary>
    Participant = 0,
    /// <summary>Forwards frames for others.</summary>
    Relay = 1,
    /// <summary>Merges streams from several sources.</summary>
    Aggregator = 2,
    /// <summary>Receives only.</summary>
    Observer = 3,
    /// <summary>Originates a stream.</summary>
    Source = 4,
}
