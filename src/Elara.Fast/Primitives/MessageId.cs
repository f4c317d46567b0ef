namespace Elara.Fast.Primitives;

/// <summary>Identifies one message in an append-only log (the deduplication key of the chat feed).</summary>
/// <param name="Value">The raw identifier as it travels on the wire.</param>
public readonly record struct MessageId(ulong Value) : IComparable<MessageId>, ISpanFormattable
{
    /// <inheritdoc/>
    public int CompareTo(MessageId other) => Value.CompareTo(other.Value);

    /// <summary>Lower-case hex, zero-padded to the id's width.</summary>
    public override string ToString() => Value.ToString("x16", null);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => Value.TryFormat(destination, out charsWritten, "x16", provider);
}
