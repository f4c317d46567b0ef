using System.Runtime.InteropServices;
using Elara.Fast.Transport.Interop;

namespace Elara.Fast.Tests.Transport;

/// <summary>The LP64 Linux layouts of iovec, msghdr and mmsghdr (bits/socket.h), byte for byte.</summary>
public sealed class LinuxSocketInteropTests
{
    [Fact]
    public void Struct_sizes_match_linux_lp64()
    {
        Assert.Equal(16, Marshal.SizeOf<LinuxSocketInterop.IoVec>());
        Assert.Equal(56, Marshal.SizeOf<LinuxSocketInterop.MsgHdr>());
        Assert.Equal(64, Marshal.SizeOf<LinuxSocketInterop.MMsgHdr>());
    }

    [Theory]
    [InlineData(nameof(LinuxSocketInterop.MsgHdr.Name), 0)]
    [InlineData(nameof(LinuxSocketInterop.MsgHdr.NameLength), 8)]
    [InlineData(nameof(LinuxSocketInterop.MsgHdr.Iov), 16)]
    [InlineData(nameof(LinuxSocketInterop.MsgHdr.IovLength), 24)]
    [InlineData(nameof(LinuxSocketInterop.MsgHdr.Control), 32)]
    [InlineData(nameof(LinuxSocketInterop.MsgHdr.ControlLength), 40)]
    [InlineData(nameof(LinuxSocketInterop.MsgHdr.Flags), 48)]
    public void Msghdr_field_offsets_match_linux_lp64(string field, int offset)
    {
        Assert.Equal(offset, (int)Marshal.OffsetOf<LinuxSocketInterop.MsgHdr>(field));
    }

    [Fact]
    public void Mmsghdr_length_follows_the_header()
    {
        Assert.Equal(56, (int)Marshal.OffsetOf<LinuxSocketInterop.MMsgHdr>(nameof(LinuxSocketInterop.MMsgHdr.Length)));
        Assert.Equal(8, (int)Marshal.OffsetOf<LinuxSocketInterop.IoVec>(nameof(LinuxSocketInterop.IoVec.Length)));
    }

    [Fact]
    public unsafe void Recvmmsg_resolves_and_reports_a_bad_descriptor()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("recvmmsg is a Linux system call.");
        }

        var result = LinuxSocketInterop.RecvMmsg(-1, null, 0, LinuxSocketInterop.MsgDontWait, null);

        Assert.Equal(-1, result);
        Assert.Equal(LinuxSocketInterop.EBadF, Marshal.GetLastPInvokeError());
    }
}
