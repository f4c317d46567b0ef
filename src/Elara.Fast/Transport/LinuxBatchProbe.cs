using System.Runtime.InteropServices;
using Elara.Fast.Transport.Interop;

namespace Elara.Fast.Transport;

/// <summary>Checks once that <c>recvmmsg</c> can be called here (libc resolves, the architecture has the LP64 layout).</summary>
internal static unsafe class LinuxBatchProbe
{
    private static readonly Lazy<string?> Failure = new(Probe);

    public static bool IsAvailable(out string reason)
    {
        reason = Failure.Value ?? string.Empty;
        return Failure.Value is null;
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        if (RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return $"the mmsghdr layout is pinned for 64-bit Linux, not {RuntimeInformation.ProcessArchitecture}";
        }

        try
        {
            // fd -1 must fail with EBADF: proof that the symbol resolves and the call reaches the kernel.
            var result = LinuxSocketInterop.RecvMmsg(-1, null, 0, LinuxSocketInterop.MsgDontWait, null);
            var errno = Marshal.GetLastPInvokeError();
            return result < 0 && errno == LinuxSocketInterop.EBadF ? null : $"recvmmsg(-1) returned {result}, errno {errno}";
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return exception.Message;
        }
    }
}
