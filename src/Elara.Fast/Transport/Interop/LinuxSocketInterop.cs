using System.Runtime.InteropServices;

namespace Elara.Fast.Transport.Interop;

/// <summary>
/// <c>recvmmsg(2)</c> and <c>sendmmsg(2)</c> with the linux-x64/arm64 (LP64) layouts of <c>struct iovec</c>,
/// <c>struct msghdr</c> and <c>struct mmsghdr</c>. A test pins every size and offset.
/// </summary>
internal static unsafe partial class LinuxSocketInterop
{
    /// <summary>Set in <c>msg_flags</c> when the datagram was longer than the buffer.</summary>
    public const int MsgTrunc = 0x20;

    /// <summary>Do not block (a single call).</summary>
    public const int MsgDontWait = 0x40;

    // errno values (asm-generic/errno-base.h, errno.h).
    public const int EIntr = 4;
    public const int EBadF = 9;
    public const int EAgain = 11;
    public const int ENoBufs = 105;
    public const int EMsgSize = 90;
    public const int EConnRefused = 111;
    public const int ENotSock = 88;
    public const int EHostUnreach = 113;
    public const int ENetUnreach = 101;

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(nint socket, MMsgHdr* messages, uint count, int flags, void* timeout);

    /// <summary>Readable (poll.h).</summary>
    public const short PollIn = 0x1;

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(nint socket, MMsgHdr* messages, uint count, int flags);

    /// <summary>Maps the errno values a UDP socket reports to <see cref="System.Net.Sockets.SocketError"/>.</summary>
    public static System.Net.Sockets.SocketError ToSocketError(int errno) => errno switch
    {
        EAgain => System.Net.Sockets.SocketError.WouldBlock,
        EIntr => System.Net.Sockets.SocketError.Interrupted,
        EMsgSize => System.Net.Sockets.SocketError.MessageSize,
        EConnRefused => System.Net.Sockets.SocketError.ConnectionRefused,
        ENoBufs => System.Net.Sockets.SocketError.NoBufferSpaceAvailable,
        EHostUnreach => System.Net.Sockets.SocketError.HostUnreachable,
        ENetUnreach => System.Net.Sockets.SocketError.NetworkUnreachable,
        EBadF or ENotSock => System.Net.Sockets.SocketError.OperationAborted,
        _ => System.Net.Sockets.SocketError.SocketError,
    };

    /// <summary><c>struct pollfd</c>: 8 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    /// <summary><c>struct iovec</c>: 16 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c>: 56 bytes (padding after <c>msg_namelen</c> and <c>msg_flags</c>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>struct mmsghdr</c>: a <c>msghdr</c> and the byte count the kernel fills in; 64 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
