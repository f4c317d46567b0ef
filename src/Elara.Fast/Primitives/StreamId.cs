namespace Elara.Fast.Primitives;

/// <summary>Identifies a media or text stream within a session.</summary>
/// <param name="Value">The raw identifier as it travels on the wire.</param>
public readonly record struct StreamId(uint Value) : IComparable<StreamId>, ISpanFormattable
{
    /// <inheritdoc/>
    public int CompareTo(StreamId other) => Value.CompareTo(other.Value);

    /// <summary>Lower-case hex, zero-padded to the id's width.</summary>
    public override string ToString() => Value.ToString("x8", null);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => Value.TryFormat(destination, out charsWritten, "x8", provider);
}
