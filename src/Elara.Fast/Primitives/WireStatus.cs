namespace Elara.Fast.Primitives;

/// <summary>
/// The result of a hot-path parse or write. Bad input is reported by value, never by exception, so a hostile
/// datagram costs a branch, not a stack unwind. Every value but <see cref="Ok"/> names why input was refused.
/// </summary>
public enum WireStatus : byte
{
    /// <summary>Accepted.</summary>
    Ok = 0,
    /// <summary>Fewer bytes than the structure needs.</summary>
    TooShort,
    /// <summary>More bytes than the format allows (frame over 1400 bytes).</summary>
    TooLong,
    /// <summary>The version nibble is not 0.</summary>
    BadVersion,
    /// <summary>The crypto suite nibble names no supported suite.</summary>
    UnknownSuite,
    /// <summary>The reserved flag bit is set.</summary>
    ReservedFlagSet,
    /// <summary>The packet class byte names no class.</summary>
    UnknownClass,
    /// <summary>The header length is below 30 or leaves no room for the tag.</summary>
    HeaderLengthOutOfRange,
    /// <summary>Extension bytes are present without the EXTENSION flag, or the flag is set with none.</summary>
    ExtensionFlagMismatch,
    /// <summary>A TLV extension runs past the end of the header.</summary>
    ExtensionOverrun,
    /// <summary>A known extension has the wrong length for its type.</summary>
    ExtensionLengthInvalid,
    /// <summary>An event block is cut short.</summary>
    BlockTruncated,
    /// <summary>A version vector's byte length is not a multiple of 16.</summary>
    VersionVectorLengthInvalid,
    /// <summary>Version vector entries are not sorted by node id (or repeat one).</summary>
    VersionVectorUnsorted,
    /// <summary>The mutation tag names no mutation kind.</summary>
    UnknownMutation,
    /// <summary>A mutation's inner length disagrees with the block's delta length.</summary>
    MutationLengthInvalid,
    /// <summary>The event type byte names no event type.</summary>
    UnknownEventType,
    /// <summary>The destination buffer has no room for what was to be written.</summary>
    DestinationTooSmall,
    /// <summary>A field value is out of its range (for example a fragment index not below the total).</summary>
    ValueOutOfRange,
    /// <summary>A known fixed-size extension appears twice.</summary>
    DuplicateExtension,
    /// <summary>Bytes follow the End (0xFF) extension marker.</summary>
    TrailingBytesAfterEnd,
    /// <summary>The FRAGMENT flag and the FragmentInfo extension disagree (one without the other).</summary>
    FragmentFlagMismatch,
    /// <summary>A payload that must hold at least one event block holds none.</summary>
    EmptyPayload,
}
