using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Elara.Fast.Transport.Stun;

/// <summary>
/// A transport address as STUN carries it (IPv4 or IPv6 plus a port), held by value so that decoding
/// an address attribute allocates nothing. Convert with <see cref="ToIPEndPoint"/> on the control plane.
/// </summary>
public readonly struct StunAddress : IEquatable<StunAddress>
{
    /// <summary>STUN address family code for IPv4 (RFC 8489 §14.1).</summary>
    public const byte FamilyIPv4 = 0x01;

    /// <summary>STUN address family code for IPv6.</summary>
    public const byte FamilyIPv6 = 0x02;

    // The address bytes in network order: IPv4 in the low 4 bytes of _low, IPv6 across both.
    private readonly ulong _high;
    private readonly ulong _low;

    private StunAddress(AddressFamily family, ulong high, ulong low, ushort port)
    {
        Family = family;
        _high = high;
        _low = low;
        Port = port;
    }

    /// <summary><see cref="AddressFamily.InterNetwork"/>, <see cref="AddressFamily.InterNetworkV6"/>, or <see cref="AddressFamily.Unspecified"/> for the default value.</summary>
    public AddressFamily Family { get; }

    /// <summary>The port.</summary>
    public ushort Port { get; }

    /// <summary>4 for IPv4, 16 for IPv6, 0 for the default value.</summary>
    public int AddressLength => Family switch
    {
        AddressFamily.InterNetwork => 4,
        AddressFamily.InterNetworkV6 => 16,
        _ => 0,
    };

    /// <summary>An address from its raw bytes (4 or 16) and a port; false for any other length.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> address, ushort port, out StunAddress result)
    {
        switch (address.Length)
        {
            case 4:
                result = new StunAddress(AddressFamily.InterNetwork, 0, BinaryPrimitives.ReadUInt32BigEndian(address), port);
                return true;
            case 16:
                result = new StunAddress(
                    AddressFamily.InterNetworkV6,
                    BinaryPrimitives.ReadUInt64BigEndian(address),
                    BinaryPrimitives.ReadUInt64BigEndian(address.Slice(8)),
                    port);
                return true;
            default:
                result = default;
                return false;
        }
    }

    /// <summary>The address of <paramref name="endPoint"/>; an IPv4-mapped IPv6 address becomes IPv4.</summary>
    public static StunAddress FromIPEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var ip = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out var written);
        TryCreate(bytes.Slice(0, written), (ushort)endPoint.Port, out var result);
        return result;
    }

    /// <summary>Reads the address out of a socket address (as filled by <c>ReceiveFrom</c>) without allocating.</summary>
    public static bool TryFromSocketAddress(SocketAddress socketAddress, out StunAddress result)
    {
        ArgumentNullException.ThrowIfNull(socketAddress);
        var buffer = socketAddress.Buffer.Span;
        // sockaddr_in / sockaddr_in6: family (2, platform order), port (2, network order), then
        // IPv4 address at 4, or flowinfo (4) and the IPv6 address at 8.
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2));
        if (socketAddress.Family == AddressFamily.InterNetwork && socketAddress.Size >= 8)
        {
            return TryCreate(buffer.Slice(4, 4), port, out result);
        }

        if (socketAddress.Family == AddressFamily.InterNetworkV6 && socketAddress.Size >= 24)
        {
            var v6 = buffer.Slice(8, 16);
            // An IPv4-mapped address (::ffff:a.b.c.d) from a dual-mode socket is the IPv4 peer.
            if (BinaryPrimitives.ReadUInt64BigEndian(v6) == 0 && BinaryPrimitives.ReadUInt32BigEndian(v6.Slice(8)) == 0xFFFF)
            {
                return TryCreate(v6.Slice(12, 4), port, out result);
            }

            return TryCreate(v6, port, out result);
        }

        result = default;
        return false;
    }

    /// <summary>Writes the 4 or 16 address bytes into <paramref name="destination"/> and returns how many.</summary>
    public int WriteAddressBytes(Span<byte> destination)
    {
        if (Family == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)_low);
            return 4;
        }

        if (Family == AddressFamily.InterNetworkV6)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
            BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(8), _low);
            return 16;
        }

        return 0;
    }

    /// <summary>The address as an <see cref="IPEndPoint"/> (allocates; control plane only).</summary>
    public IPEndPoint ToIPEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        var length = WriteAddressBytes(bytes);
        var ip = length == 0 ? IPAddress.None : new IPAddress(bytes.Slice(0, length));
        return new IPEndPoint(ip, Port);
    }

    /// <summary>"a.b.c.d:port" or "[v6]:port".</summary>
    public override string ToString() => ToIPEndPoint().ToString();

    /// <inheritdoc/>
    public bool Equals(StunAddress other) => Family == other.Family && Port == other.Port && _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StunAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Family, Port, _high, _low);

    /// <summary>Equality.</summary>
    public static bool operator ==(StunAddress left, StunAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(StunAddress left, StunAddress right) => !left.Equals(right);
}
