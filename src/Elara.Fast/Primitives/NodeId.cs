using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Elara.Fast.Primitives;

/// <summary>
/// Identifies a node: the first 8 bytes of SHA-256 of the node's Ed25519 public key, read little-endian
/// (WIRE.md, fixed header offset 12).
/// </summary>
/// <param name="Value">The raw 64-bit identifier as it travels on the wire.</param>
public readonly record struct NodeId(ulong Value) : IComparable<NodeId>, ISpanFormattable
{
    /// <summary>The all-zero id, never a real node's.</summary>
    public static NodeId None => default;

    /// <summary>Length of an Ed25519 public key in bytes.</summary>
    public const int PublicKeyLength = 32;

    /// <summary>A random, non-zero id (for nodes that have no persisted identity yet).</summary>
    public static NodeId Generate()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong value;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        }
        while (value == 0);
        return new NodeId(value);
    }

    /// <summary>The fingerprint of an Ed25519 public key: the first 8 bytes of its SHA-256, little-endian.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes long.</exception>
    public static NodeId FromPublicKey(ReadOnlySpan<byte> ed25519PublicKey)
    {
        if (ed25519PublicKey.Length != PublicKeyLength)
        {
            ThrowHelper.ThrowArgument(nameof(ed25519PublicKey), "An Ed25519 public key is 32 bytes.");
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(ed25519PublicKey, hash);
        return new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(hash));
    }

    /// <inheritdoc/>
    public int CompareTo(NodeId other) => Value.CompareTo(other.Value);

    /// <summary>16 lower-case hex digits.</summary>
    public override string ToString() => Value.ToString("x16", null);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => Value.TryFormat(destination, out charsWritten, "x16", provider);

    /// <summary>Orders by value.</summary>
    public static bool operator <(NodeId left, NodeId right) => left.Value < right.Value;

    /// <summary>Orders by value.</summary>
    public static bool operator >(NodeId left, NodeId right) => left.Value > right.Value;

    /// <summary>Orders by value.</summary>
    public static bool operator <=(NodeId left, NodeId right) => left.Value <= right.Value;

    /// <summary>Orders by value.</summary>
    public static bool operator >=(NodeId left, NodeId right) => left.Value >= right.Value;
}
