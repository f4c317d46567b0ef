using System.Security.Cryptography;
using Elara.Fast.Primitives;

namespace Elara.Fast.Crypto;

/// <summary>Derives one epoch key from a class key and imports it into a frame AEAD; the raw key never outlives the call.</summary>
internal static class EpochKeys
{
    public static IFrameAead Create(ReadOnlySpan<byte> classKey, ushort epochField, CryptoSuite suite, ChaChaImplementation chacha)
    {
        Span<byte> epochKey = stackalloc byte[TrafficKeySchedule.SecretLength];
        try
        {
            TrafficKeySchedule.DeriveEpochKey(classKey, epochField, epochKey);
            return FrameAeadFactory.Create(suite, epochKey, chacha);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(epochKey);
        }
    }
}
