using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Elara.Fast.Transport;

/// <summary>
/// A socket address as the operating system writes it (a <c>sockaddr_in</c> or <c>sockaddr_in6</c>), kept
/// inline so that a ring entry can carry the sender without an <see cref="EndPoint"/> per datagram.
/// </summary>
/// <remarks>
/// The bytes are the platform's native layout, the same bytes <c>recvmmsg</c> writes and
/// <see cref="SocketAddress.Buffer"/> holds, so the peer table can be keyed by them directly and the
/// conversion to an <see cref="IPEndPoint"/> (which allocates) happens only on cold paths. The family is
/// told by the length: 16 bytes is IPv4, 28 bytes is IPv6.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct RawSocketAddress : IEquatable<RawSocketAddress>
{
    /// <summary>Size of <c>sockaddr_in6</c>, the largest address this type holds.</summary>
    public const int MaxLength = 28;

    /// <summary>Size of <c>sockaddr_in</c>.</summary>
    public const int IPv4Length = 16;

    private AddressBytes _bytes;
    private int _length;

    /// <summary>Length of the address in bytes: 0 (none), 16 (IPv4) or 28 (IPv6).</summary>
    public readonly int Length => _length;

    /// <summary>The address family, told by the length.</summary>
    public readonly AddressFamily Family =>
        _length == IPv4Length ? AddressFamily.InterNetwork : _length == MaxLength ? AddressFamily.InterNetworkV6 : AddressFamily.Unspecified;

    /// <summary>The port (bytes 2..3 of every <c>sockaddr_in</c>/<c>sockaddr_in6</c>, network order).</summary>
    public readonly int Port => _length == 0 ? 0 : BinaryPrimitives.ReadUInt16BigEndian(((ReadOnlySpan<byte>)_bytes).Slice(2, 2));

    /// <summary>The address bytes as the operating system wrote them.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> AsSpan() => ((ReadOnlySpan<byte>)_bytes)[.._length];

    /// <summary>The full 28-byte buffer, for native calls that write an address into it.</summary>
    [UnscopedRef]
    internal Span<byte> Buffer => _bytes;

    /// <summary>Sets the length after a native call wrote the address into <see cref="Buffer"/>.</summary>
    internal void SetLength(int length)
    {
        Debug.Assert(length is 0 or IPv4Length or MaxLength || length <= MaxLength);
        _length = length is IPv4Length or MaxLength ? length : 0;
    }

    /// <summary>Copies the address a socket wrote into a reused <see cref="SocketAddress"/>; no allocation.</summary>
    public static RawSocketAddress FromSocketAddress(SocketAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var result = default(RawSocketAddress);
        result.CopyFrom(address);
        return result;
    }

    /// <summary>Overwrites this address with <paramref name="address"/>'s bytes; no allocation.</summary>
    public void CopyFrom(SocketAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var size = address.Size;
        if (size != IPv4Length && size != MaxLength)
        {
            _length = 0;
            return;
        }

        address.Buffer.Span[..size].CopyTo(_bytes);
        _length = size;
    }

    /// <summary>Writes this address into a reused <see cref="SocketAddress"/> (for <c>SendTo</c>); no allocation.</summary>
    /// <returns>False when the families differ, so the address cannot be written.</returns>
    public readonly bool TryCopyTo(SocketAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (_length == 0 || address.Buffer.Length < _length)
        {
            return false;
        }

        AsSpan().CopyTo(address.Buffer.Span);
        address.Size = _length;
        return true;
    }

    /// <summary>The native bytes of <paramref name="endPoint"/> (allocates: configuration path only).</summary>
    public static RawSocketAddress FromEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return FromSocketAddress(endPoint.Serialize());
    }

    /// <summary>
    /// The native bytes of <paramref name="endPoint"/> as a socket of <paramref name="socketFamily"/> needs them:
    /// an IPv4 destination is mapped to <c>::ffff:a.b.c.d</c> for a dual-mode IPv6 socket.
    /// </summary>
    public static RawSocketAddress FromEndPoint(IPEndPoint endPoint, AddressFamily socketFamily)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (socketFamily == AddressFamily.InterNetworkV6 && endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            endPoint = new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port);
        }

        return FromEndPoint(endPoint);
    }

    /// <summary>
    /// This address as a dual-mode IPv6 socket sends to it: an IPv4 address becomes <c>::ffff:a.b.c.d</c>; an
    /// IPv6 one is returned as is. No allocation (the native IPv6 family value is read once from the platform).
    /// </summary>
    public readonly RawSocketAddress MapToIPv6()
    {
        if (_length != IPv4Length)
        {
            return this;
        }

        var mapped = default(RawSocketAddress);
        Span<byte> target = mapped._bytes;
        IPv6Template.Span.CopyTo(target);
        ReadOnlySpan<byte> source = _bytes;
        source.Slice(2, 2).CopyTo(target[2..]);         // port
        target[18] = 0xFF;                              // ::ffff:0:0/96 (RFC 4291 §2.5.5.2), bytes 8..23
        target[19] = 0xFF;
        source.Slice(4, 4).CopyTo(target[20..]);        // the IPv4 address
        mapped._length = MaxLength;
        return mapped;
    }

    /// <summary>A zeroed native <c>sockaddr_in6</c> carrying only this platform's AF_INET6 value.</summary>
    private static ReadOnlyMemory<byte> IPv6Template { get; } = new IPEndPoint(IPAddress.IPv6Any, 0).Serialize().Buffer[..MaxLength].ToArray();

    /// <summary>The address as an <see cref="IPEndPoint"/> (allocates: logging and control paths only).</summary>
    public readonly IPEndPoint? ToEndPoint()
    {
        if (_length == 0)
        {
            return null;
        }

        var family = Family;
        var address = new SocketAddress(family, _length);
        AsSpan().CopyTo(address.Buffer.Span);
        var template = family == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        return (IPEndPoint)template.Create(address);
    }

    /// <inheritdoc/>
    public readonly bool Equals(RawSocketAddress other) => _length == other._length && AsSpan().SequenceEqual(other.AsSpan());

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is RawSocketAddress other && Equals(other);

    /// <inheritdoc/>
    public override readonly int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(AsSpan());
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override readonly string ToString() => ToEndPoint()?.ToString() ?? "(none)";

    /// <summary>Equality of the native bytes.</summary>
    public static bool operator ==(RawSocketAddress left, RawSocketAddress right) => left.Equals(right);

    /// <summary>Inequality of the native bytes.</summary>
    public static bool operator !=(RawSocketAddress left, RawSocketAddress right) => !left.Equals(right);

    [InlineArray(MaxLength)]
    private struct AddressBytes
    {
        private byte _element;
    }
}
