namespace Elara.Fast.Wire;

/// <summary>The mutation tag that opens an event block's delta (WIRE.md "Payload").</summary>
public enum MutationKind : byte
{
    /// <summary>Replace the value: <c>len u16 · bytes</c>.</summary>
    Set = 0x01,
    /// <summary>Add to a counter: <c>i64</c>.</summary>
    Increment = 0x02,
    /// <summary>Append to a sequence: <c>len u16 · bytes</c>.</summary>
    Append = 0x03,
    /// <summary>Merge a serialized sub-state: <c>len u16 · bytes</c>.</summary>
    Merge = 0x04,
    /// <summary>Delete (tombstone); no body.</summary>
    Delete = 0x05,
    /// <summary>Weighted blend: <c>f32 weight · len u16 · bytes</c>.</summary>
    Blend = 0x06,
}
