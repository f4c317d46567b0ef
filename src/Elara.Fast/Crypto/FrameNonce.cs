using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>
/// The 12-byte AEAD nonce of WIRE.md "Crypto binding": node id (u64 LE) · sequence (u16 LE) · class (1) · 0.
/// A (key, nonce) pair never repeats: the key changes with the epoch (and with the class and direction), and
/// within one epoch key the sequence never wraps because the sender moves to the next epoch first.
/// </summary>
internal static class FrameNonce
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(Span<byte> nonce, NodeId sender, ushort sequence, PacketClass packetClass)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(nonce, sender.Value);
        BinaryPrimitives.WriteUInt16LittleEndian(nonce[8..], sequence);
        nonce[10] = (byte)packetClass;
        nonce[11] = 0;
    }
}
