using System.Diagnostics.Tracing;
using System.Reflection;
using System.Runtime.InteropServices;
using Xunit.Sdk;

[assembly: RenderFarm.UnitTests.UnitTierGuard]

namespace RenderFarm.UnitTests;

/// <summary>
/// The unit tier runs in seconds because its tests start no process and open no socket (see tests/run.sh): this fails a
/// test here that does either, naming what it did. Processes are seen in what the kernel accounts for this process's
/// finished children; sockets in the runtime's own socket events (a connection made or accepted).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method)]
public sealed class UnitTierGuard : BeforeAfterTestAttribute
{
    private static readonly SocketEvents Sockets = new();
    private static readonly AsyncLocal<Activity?> Current = new();

    /// <summary>What a test did so far that the unit tier does not allow; empty for nothing.</summary>
    public static IReadOnlyList<string> Violations => Current.Value?.Violations() ?? [];

    /// <summary>Starts watching again from now (for the guard's own test, once it has seen what it provoked).</summary>
    public static void Reset() => Current.Value?.Restart();

    public override void Before(MethodInfo methodUnderTest) => Current.Value = new Activity();

    public override void After(MethodInfo methodUnderTest)
    {
        var violations = Violations;
        if (violations.Count > 0)
        {
            throw new InvalidOperationException(
                $"{methodUnderTest.DeclaringType?.Name}.{methodUnderTest.Name} {string.Join(" and ", violations)}: the unit tier "
                + "starts no process and opens no socket; such a test belongs in the integration tier (RenderFarm.IntegrationTests)");
        }
    }

    /// <summary>One test's watch; the test and the After hook share it (a value set inside the test would not flow back).</summary>
    private sealed class Activity
    {
        private long _children = ChildrenStarted();
        private long _sockets = Sockets.Count;

        public void Restart() => (_children, _sockets) = (ChildrenStarted(), Sockets.Count);

        public List<string> Violations()
        {
            var found = new List<string>();
            if (ChildrenStarted() != _children)
            {
                found.Add("started a process");
            }

            if (Sockets.Count != _sockets)
            {
                found.Add("opened a socket");
            }

            return found;
        }
    }

    /// <summary>
    /// Minor page faults of this process's finished children: every process that ran has some, and the runtime reaps the
    /// processes it starts, so the figure grows with each one. Another test's child finishing meanwhile counts too: no test
    /// here may start one, and the guard's own tests, which do, run alone.
    /// </summary>
    private static long ChildrenStarted() => getrusage(RusageChildren, out var usage) == 0 ? usage.MinorFaults : 0;

    private const int RusageChildren = -1;

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out Rusage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxResident, SharedMemory, UnsharedData, UnsharedStack;
        public long MinorFaults, MajorFaults, Swaps, BlocksIn, BlocksOut, MessagesSent, MessagesReceived, Signals;
        public long VoluntarySwitches, InvoluntarySwitches;
    }

    /// <summary>Counts the runtime's socket events: a connection started or accepted.</summary>
    private sealed class SocketEvents : EventListener
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "System.Net.Sockets")
            {
                EnableEvents(source, EventLevel.Informational);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is "ConnectStart" or "AcceptStart")
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
