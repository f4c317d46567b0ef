namespace Elara.Fast.Transport.Stun;

/// <summary>STUN methods this engine speaks: Binding (RFC 8489 §18.2) and the TURN methods (RFC 8656 §17).</summary>
public enum StunMethod : ushort
{
    /// <summary>Binding: asks the server for the reflexive transport address.</summary>
    Binding = 0x001,

    /// <summary>TURN Allocate: reserves a relayed transport address.</summary>
    Allocate = 0x003,

    /// <summary>TURN Refresh: extends (or, with lifetime 0, deletes) an allocation.</summary>
    Refresh = 0x004,

    /// <summary>TURN Send indication: data from the client to a peer.</summary>
    Send = 0x006,

    /// <summary>TURN Data indication: data from a peer to the client.</summary>
    Data = 0x007,

    /// <summary>TURN CreatePermission: lets a peer's address send through the relay.</summary>
    CreatePermission = 0x008,

    /// <summary>TURN ChannelBind: binds a channel number to a peer.</summary>
    ChannelBind = 0x009,
}
