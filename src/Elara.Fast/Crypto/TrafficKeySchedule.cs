using System.Buffers.Binary;
using Elara.Fast.Primitives;
using NSec.Cryptography;

namespace Elara.Fast.Crypto;

/// <summary>
/// The traffic key schedule of WIRE.md "Crypto binding": from one direction secret (Noise <c>Split()</c>)
/// to one key per packet class and key epoch, with HKDF-SHA256 (RFC 5869) through NSec.
/// <code>
/// class_key = HKDF-SHA256(salt = [class],         ikm = direction_secret, info = "ELARA_CLASS_KEY_v0", L = 32)
/// epoch_key = HKDF-SHA256(salt = epoch (u16 LE), ikm = class_key,         info = "ELARA_EPOCH_KEY_v0", L = 32)
/// </code>
/// The epoch is the 16-bit key-epoch field exactly as it travels at header offset 26.
/// </summary>
internal static class TrafficKeySchedule
{
    /// <summary>Direction secrets, class keys and epoch keys are all 32 bytes.</summary>
    public const int SecretLength = 32;

    private static ReadOnlySpan<byte> ClassKeyInfo => "ELARA_CLASS_KEY_v0"u8;

    private static ReadOnlySpan<byte> EpochKeyInfo => "ELARA_EPOCH_KEY_v0"u8;

    /// <summary>Derives the class key of <paramref name="packetClass"/> from a direction secret.</summary>
    public static void DeriveClassKey(ReadOnlySpan<byte> directionSecret, PacketClass packetClass, Span<byte> classKey)
    {
        CheckLengths(directionSecret, classKey);
        ReadOnlySpan<byte> salt = [(byte)packetClass];
        KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(directionSecret, salt, ClassKeyInfo, classKey);
    }

    /// <summary>Derives the key of <paramref name="epoch"/> (the wire field) from a class key.</summary>
    public static void DeriveEpochKey(ReadOnlySpan<byte> classKey, ushort epoch, Span<byte> epochKey)
    {
        CheckLengths(classKey, epochKey);
        Span<byte> salt = stackalloc byte[sizeof(ushort)];
        BinaryPrimitives.WriteUInt16LittleEndian(salt, epoch);
        KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(classKey, salt, EpochKeyInfo, epochKey);
    }

    private static void CheckLengths(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length != SecretLength || output.Length != SecretLength)
        {
            ThrowHelper.ThrowArgument(nameof(input), "Traffic secrets and keys are 32 bytes.");
        }
    }
}
