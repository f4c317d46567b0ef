using System.Net;
using System.Net.Sockets;

namespace Elara.Fast.Transport;

/// <summary>
/// An <see cref="EndPoint"/> that is only a reused <see cref="SocketAddress"/>: given to a
/// <see cref="SocketAsyncEventArgs"/> as its <c>RemoteEndPoint</c>, it lets a receive report the sender's address
/// without allocating.
/// </summary>
/// <remarks>
/// A receive serialises the event args' <c>RemoteEndPoint</c> into a socket address, writes the sender into it,
/// and calls <see cref="Create"/> when the sender differs from the endpoint. An <see cref="IPEndPoint"/> allocates
/// a new <see cref="IPEndPoint"/> there (measured on .NET 10: 72 B per datagram over IPv4, 112 B over IPv6, with
/// four alternating senders); this type returns its one address from <see cref="Serialize"/> and itself from
/// <see cref="Create"/>, copying the bytes: 0 B per datagram (docs/transport.md, the allocation test).
/// </remarks>
internal sealed class SocketAddressEndPoint : EndPoint
{
    private readonly int _capacity;

    public SocketAddressEndPoint(AddressFamily family)
    {
        _capacity = family == AddressFamily.InterNetworkV6 ? RawSocketAddress.MaxLength : RawSocketAddress.IPv4Length;
        Address = new SocketAddress(family, _capacity);
    }

    /// <summary>The sender of the last completed receive, in native layout.</summary>
    public SocketAddress Address { get; }

    /// <inheritdoc/>
    public override AddressFamily AddressFamily => Address.Family;

    /// <summary>Restores the full size before a receive, so an address of any length fits.</summary>
    public void Reset() => Address.Size = _capacity;

    /// <inheritdoc/>
    public override SocketAddress Serialize() => Address;

    /// <inheritdoc/>
    public override EndPoint Create(SocketAddress socketAddress)
    {
        if (!ReferenceEquals(socketAddress, Address))
        {
            var size = Math.Min(socketAddress.Size, _capacity);
            socketAddress.Buffer.Span[..size].CopyTo(Address.Buffer.Span);
            Address.Size = size;
        }

        return this;
    }
}
