namespace Elara.Fast.Crypto;

/// <summary>A token of a Noise message pattern (Noise rev 34, section 7).</summary>
internal enum NoiseToken : byte
{
    E,
    S,
    EE,
    ES,
    SE,
    SS,
}

/// <summary>
/// A Noise handshake pattern (Noise rev 34, section 7.4-7.5): the pre-messages and the message tokens, in
/// order. Only the interactive patterns this engine speaks are defined: NN, NK, KK, IK and XX.
/// </summary>
internal sealed class NoisePattern
{
    private NoisePattern(string name, NoiseToken[] initiatorPreMessage, NoiseToken[] responderPreMessage, NoiseToken[][] messages)
    {
        Name = name;
        InitiatorPreMessage = initiatorPreMessage;
        ResponderPreMessage = responderPreMessage;
        Messages = messages;
    }

    /// <summary>NN: no static keys. <c>-&gt; e</c>, <c>&lt;- e, ee</c>.</summary>
    public static NoisePattern NN { get; } = new("NN", [], [], [[NoiseToken.E], [NoiseToken.E, NoiseToken.EE]]);

    /// <summary>NK: the initiator knows the responder's static key.</summary>
    public static NoisePattern NK { get; } = new("NK", [], [NoiseToken.S], [[NoiseToken.E, NoiseToken.ES], [NoiseToken.E, NoiseToken.EE]]);

    /// <summary>KK: each side knows the other's static key.</summary>
    public static NoisePattern KK { get; } = new(
        "KK",
        [NoiseToken.S],
        [NoiseToken.S],
        [[NoiseToken.E, NoiseToken.ES, NoiseToken.SS], [NoiseToken.E, NoiseToken.EE, NoiseToken.SE]]);

    /// <summary>IK: the initiator knows the responder's static key and sends its own in the first message.</summary>
    public static NoisePattern IK { get; } = new(
        "IK",
        [],
        [NoiseToken.S],
        [[NoiseToken.E, NoiseToken.ES, NoiseToken.S, NoiseToken.SS], [NoiseToken.E, NoiseToken.EE, NoiseToken.SE]]);

    /// <summary>XX: neither side knows the other's static key; both are sent encrypted.</summary>
    public static NoisePattern XX { get; } = new(
        "XX",
        [],
        [],
        [[NoiseToken.E], [NoiseToken.E, NoiseToken.EE, NoiseToken.S, NoiseToken.ES], [NoiseToken.S, NoiseToken.SE]]);

    /// <summary>The pattern's name as it appears in a protocol name ("IK").</summary>
    public string Name { get; }

    /// <summary>Keys the responder knows of the initiator before the handshake (only <c>s</c> here).</summary>
    public NoiseToken[] InitiatorPreMessage { get; }

    /// <summary>Keys the initiator knows of the responder before the handshake (only <c>s</c> here).</summary>
    public NoiseToken[] ResponderPreMessage { get; }

    /// <summary>The handshake messages; even indices are sent by the initiator.</summary>
    public NoiseToken[][] Messages { get; }

    /// <summary>The full protocol name, e.g. <c>Noise_IK_25519_ChaChaPoly_SHA256</c>.</summary>
    public string ProtocolName => "Noise_" + Name + "_25519_ChaChaPoly_SHA256";

    /// <summary>Finds a pattern by its protocol name; null when it is not one of ours.</summary>
    public static NoisePattern? FromProtocolName(string protocolName) => protocolName switch
    {
        "Noise_NN_25519_ChaChaPoly_SHA256" => NN,
        "Noise_NK_25519_ChaChaPoly_SHA256" => NK,
        "Noise_KK_25519_ChaChaPoly_SHA256" => KK,
        "Noise_IK_25519_ChaChaPoly_SHA256" => IK,
        "Noise_XX_25519_ChaChaPoly_SHA256" => XX,
        _ => null,
    };
}
