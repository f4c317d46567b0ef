using System.Reflection;
using Elara.Fast.Crypto;
using Elara.Fast.Primitives;

namespace Elara.Fast.Tests.Crypto;

public sealed class KeyZeroingTests
{
    private static byte[] ClassKeyOf(object keys)
        => (byte[])keys.GetType().GetField("_classKey", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(keys)!;

    [Fact]
    public void Disposing_send_and_receive_keys_zeroes_their_class_keys()
    {
        var secret = CryptoTestFrames.Secret(5);
        var send = new SendClassKeys(secret, PacketClass.Core, CryptoSuite.ChaCha20Poly1305, ChaChaImplementation.NSec);
        var receive = new ReceiveClassKeys(secret, PacketClass.Core, CryptoSuite.Aes256Gcm, ChaChaImplementation.NSec, TimeProvider.System);
        var sendKey = ClassKeyOf(send);
        var receiveKey = ClassKeyOf(receive);
        Assert.Contains(sendKey, b => b != 0);
        Assert.Contains(receiveKey, b => b != 0);

        send.Dispose();
        receive.Dispose();

        Assert.All(sendKey, b => Assert.Equal(0, b));
        Assert.All(receiveKey, b => Assert.Equal(0, b));
    }
}
