using System.Runtime.InteropServices;

namespace RenderFarm.Testing;

/// <summary>POSIX signals sent to a child process: the real faults (SIGINT, SIGSTOP, SIGCONT) a test puts it through.</summary>
public static class Signals
{
    public const int Interrupt = 2;
    public const int Continue = 18;
    public const int Stop = 19;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; throws, with the errno, when the kernel refuses.</summary>
    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
