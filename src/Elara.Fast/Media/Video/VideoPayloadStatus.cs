namespace Elara.Fast.Media.Video;

/// <summary>Why a video payload (keyframe or delta) was refused; <see cref="Ok"/> when it was applied.</summary>
public enum VideoPayloadStatus : byte
{
    /// <summary>Applied.</summary>
    Ok = 0,
    /// <summary>The payload ends before its header or a block it announces.</summary>
    TooShort,
    /// <summary>Bytes remain after the last block.</summary>
    TrailingBytes,
    /// <summary>A keyframe's dimensions are zero or larger than allowed.</summary>
    DimensionsOutOfRange,
    /// <summary>A delta's dimensions differ from the frame it would patch.</summary>
    DimensionsMismatch,
    /// <summary>A delta was built against a frame other than the one held (a lost frame in between).</summary>
    BaseMismatch,
    /// <summary>A block index lies outside its plane.</summary>
    BlockIndexOutOfRange,
    /// <summary>Block indices of a plane are not strictly increasing (a repeated or reordered block).</summary>
    BlocksNotIncreasing,
    /// <summary>The destination buffer has no room for the payload.</summary>
    DestinationTooSmall,
}
