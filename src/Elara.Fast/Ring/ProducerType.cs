namespace Elara.Fast.Ring;

/// <summary>How many threads publish into a ring.</summary>
public enum ProducerType
{
    /// <summary>Exactly one producer thread: claims need no atomic instruction (<see cref="SingleProducerSequencer"/>).</summary>
    Single,

    /// <summary>Any number of producer threads (<see cref="MultiProducerSequencer"/>).</summary>
    Multi,
}
