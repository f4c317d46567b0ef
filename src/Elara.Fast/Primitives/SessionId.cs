namespace Elara.Fast.Primitives;

/// <summary>Identifies a session (fixed header offset 4, u64). Session id 0 carries handshakes.</summary>
/// <param name="Value">The raw identifier as it travels on the wire.</param>
public readonly record struct SessionId(ulong Value) : IComparable<SessionId>, ISpanFormattable
{
    /// <inheritdoc/>
    public int CompareTo(SessionId other) => Value.CompareTo(other.Value);

    /// <summary>Lower-case hex, zero-padded to the id's width.</summary>
    public override string ToString() => Value.ToString("x16", null);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => Value.TryFormat(destination, out charsWritten, "x16", provider);
}
