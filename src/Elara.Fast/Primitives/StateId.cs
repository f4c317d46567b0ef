namespace Elara.Fast.Primitives;

/// <summary>Identifies a state atom in a session's state field (event block, u64).</summary>
/// <param name="Value">The raw identifier as it travels on the wire.</param>
public readonly record struct StateId(ulong Value) : IComparable<StateId>, ISpanFormattable
{
    /// <inheritdoc/>
    public int CompareTo(StateId other) => Value.CompareTo(other.Value);

    /// <summary>Lower-case hex, zero-padded to the id's width.</summary>
    public override string ToString() => Value.ToString("x16", null);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => Value.TryFormat(destination, out charsWritten, "x16", provider);
}
