namespace Elara.Fast.State;

/// <summary>Outcome counts of a state field: one per <see cref="StateStatus"/>, plus collection and filtering.</summary>
internal sealed class StateCounters
{
    private readonly long[] _byStatus = new long[(int)StateStatus.DestinationTooSmall + 1];

    /// <summary>Events or operations that ended with <paramref name="status"/>.</summary>
    public long this[StateStatus status] => _byStatus[(int)status];

    /// <summary>Tombstones collected after every participant saw them.</summary>
    public long TombstonesCollected { get; internal set; }

    /// <summary>Contributions dropped from merged states because their author had no authority.</summary>
    public long UnauthorizedContributions { get; internal set; }

    /// <summary>Every rejection (everything but applied, duplicate and deleted).</summary>
    public long Rejected
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _byStatus.Length; i++)
            {
                if ((StateStatus)i is not (StateStatus.Applied or StateStatus.Duplicate or StateStatus.Deleted))
                {
                    sum += _byStatus[i];
                }
            }

            return sum;
        }
    }

    internal StateStatus Count(StateStatus status)
    {
        _byStatus[(int)status]++;
        return status;
    }
}
