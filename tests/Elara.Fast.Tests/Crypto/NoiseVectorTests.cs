using System.Text.Json;
using Elara.Fast.Crypto;

namespace Elara.Fast.Tests.Crypto;

/// <summary>
/// Replays every published cacophony-format vector in <c>tests/vectors/noise-25519-chachapoly-sha256.json</c>:
/// the same ephemerals must give byte-identical handshake messages, the same handshake hash and the same
/// transport messages through the split cipher states.
/// </summary>
public sealed class NoiseVectorTests
{
    private const string VectorFile = "noise-25519-chachapoly-sha256.json";

    public static TheoryData<string> ProtocolNames()
    {
        var data = new TheoryData<string>();
        foreach (var vector in LoadVectors())
        {
            data.Add(vector.GetProperty("protocol_name").GetString()!);
        }

        return data;
    }

    [Fact]
    public void The_vector_file_holds_every_pattern_this_engine_speaks()
    {
        var names = LoadVectors().Select(v => v.GetProperty("protocol_name").GetString()).ToHashSet();
        foreach (var pattern in new[] { "NN", "NK", "KK", "IK", "XX" })
        {
            Assert.Contains($"Noise_{pattern}_25519_ChaChaPoly_SHA256", names);
        }
    }

    [Theory]
    [MemberData(nameof(ProtocolNames))]
    public void Vector_replays_byte_for_byte(string protocolName)
    {
        var vector = LoadVectors().Single(v => v.GetProperty("protocol_name").GetString() == protocolName);
        var pattern = NoisePattern.FromProtocolName(protocolName);
        Assert.NotNull(pattern);

        using var initiatorStatic = OptionalKey(vector, "init_static");
        using var responderStatic = OptionalKey(vector, "resp_static");
        using var initiatorEphemeral = OptionalKey(vector, "init_ephemeral");
        using var responderEphemeral = OptionalKey(vector, "resp_ephemeral");
        using var initiator = new NoiseHandshakeState(
            pattern, true, Hex(vector, "init_prologue"), initiatorStatic, initiatorEphemeral, Hex(vector, "init_remote_static"));
        using var responder = new NoiseHandshakeState(
            pattern, false, Hex(vector, "resp_prologue"), responderStatic, responderEphemeral, Hex(vector, "resp_remote_static"));

        using var initiatorSend = new NoiseCipherState();
        using var initiatorReceive = new NoiseCipherState();
        using var responderSend = new NoiseCipherState();
        using var responderReceive = new NoiseCipherState();
        var messages = vector.GetProperty("messages").EnumerateArray().ToArray();
        var buffer = new byte[NoiseHandshakeState.MaxMessageLength];
        var payloadBuffer = new byte[NoiseHandshakeState.MaxMessageLength];
        for (var i = 0; i < messages.Length; i++)
        {
            var payload = Convert.FromHexString(messages[i].GetProperty("payload").GetString()!);
            var expected = Convert.FromHexString(messages[i].GetProperty("ciphertext").GetString()!);
            var initiatorSends = i % 2 == 0;
            var (sender, receiver) = initiatorSends ? (initiator, responder) : (responder, initiator);
            int written, read;
            if (i < pattern.Messages.Length)
            {
                Assert.Equal(NoiseStatus.Ok, sender.WriteMessage(payload, buffer, out written));
                Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer, 0, written));
                Assert.Equal(NoiseStatus.Ok, receiver.ReadMessage(buffer.AsSpan(0, written), payloadBuffer, out read));
                if (i == pattern.Messages.Length - 1)
                {
                    Assert.Equal(NoiseStatus.Ok, initiator.Split(initiatorSend, initiatorReceive));
                    Assert.Equal(NoiseStatus.Ok, responder.Split(responderReceive, responderSend));
                }
            }
            else
            {
                var (send, receive) = initiatorSends ? (initiatorSend, responderReceive) : (responderSend, initiatorReceive);
                Assert.Equal(NoiseStatus.Ok, send.EncryptWithAd([], payload, buffer, out written));
                Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer, 0, written));
                Assert.Equal(NoiseStatus.Ok, receive.DecryptWithAd([], buffer.AsSpan(0, written), payloadBuffer, out read));
            }

            Assert.Equal(Convert.ToHexString(payload), Convert.ToHexString(payloadBuffer, 0, read));
        }

        var handshakeHash = vector.GetProperty("handshake_hash").GetString()!;
        Assert.Equal(handshakeHash, Convert.ToHexString(initiator.HandshakeHash).ToLowerInvariant());
        Assert.Equal(handshakeHash, Convert.ToHexString(responder.HandshakeHash).ToLowerInvariant());
    }

    internal static JsonElement[] LoadVectors()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(SharedVectors.Find(VectorFile)));
        return document.RootElement.GetProperty("vectors").EnumerateArray().Select(v => v.Clone()).ToArray();
    }

    private static byte[] Hex(JsonElement vector, string name)
        => vector.TryGetProperty(name, out var value) ? Convert.FromHexString(value.GetString()!) : [];

    private static NoiseKeyPair? OptionalKey(JsonElement vector, string name)
        => vector.TryGetProperty(name, out var value) ? NoiseKeyPair.FromPrivateKey(Convert.FromHexString(value.GetString()!)) : null;
}
