using RenderFarm.Contracts.V1;

namespace RenderFarm.LoadGenerator;

/// <summary>
/// The state one Blender instance reports, as the add-on keeps it: a session per Blender
/// process, a sequence that grows with every report, counters that restart with the session.
/// Not thread-safe: one call per instance is in flight at a time.
/// </summary>
public sealed class SimulatedInstance(string host, string instance)
{
    public const string BlenderVersion = "3.4.1";
    public const string AddonVersion = "1.0.0";

    private int _inFlight;

    public string Host { get; } = host;

    public string Instance { get; } = instance;

    public string SessionId { get; private set; } = NewSessionId();

    public ulong Sequence { get; private set; }

    public bool Rendering { get; set; }

    public string Scene { get; set; } = "Scene";

    public string BlendFile { get; set; } = "";

    public string Engine { get; set; } = "CYCLES";

    public int CurrentFrame { get; set; } = 1;

    public int? JobFrameStart { get; set; }

    public int? JobFrameEnd { get; set; }

    public ulong FramesRendered { get; set; }

    public double RenderSeconds { get; set; }

    public double? LastFrameSeconds { get; set; }

    public double ProcessCpuSeconds { get; set; }

    public ulong ResidentMemoryBytes { get; set; } = 420 * 1024 * 1024;

    /// <summary>Set after a sign-off: the next report starts a new Blender process.</summary>
    public bool SignedOff { get; set; }

    /// <summary>Claims the instance for one call; false while another call for it is in flight.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _inFlight, 1, 0) == 0;

    public void Release() => Volatile.Write(ref _inFlight, 0);

    /// <summary>Blender started again: a new session whose counters begin at zero.</summary>
    public void Restart()
    {
        SessionId = NewSessionId();
        Sequence = 0;
        Rendering = false;
        CurrentFrame = 1;
        JobFrameStart = null;
        JobFrameEnd = null;
        FramesRendered = 0;
        RenderSeconds = 0;
        LastFrameSeconds = null;
        ProcessCpuSeconds = 0;
        ResidentMemoryBytes = 420 * 1024 * 1024;
        SignedOff = false;
    }

    /// <summary>The next report of this instance: its whole state under a new sequence number.</summary>
    public ReportRequest NextReport()
    {
        var report = new ReportRequest
        {
            Host = Host,
            Instance = Instance,
            SessionId = SessionId,
            Sequence = ++Sequence,
            State = Rendering ? RenderState.Rendering : RenderState.Idle,
            BlenderVersion = BlenderVersion,
            AddonVersion = AddonVersion,
            Scene = Scene,
            BlendFile = BlendFile,
            Engine = Engine,
            CurrentFrame = CurrentFrame,
            FramesRendered = FramesRendered,
            RenderSeconds = RenderSeconds,
            ProcessCpuSeconds = ProcessCpuSeconds,
            ResidentMemoryBytes = ResidentMemoryBytes,
        };
        if (JobFrameStart is { } start && JobFrameEnd is { } end)
        {
            report.JobFrameStart = start;
            report.JobFrameEnd = end;
        }

        if (LastFrameSeconds is { } last)
        {
            report.LastFrameSeconds = last;
        }

        return report;
    }

    public SignOffRequest SignOffRequest() => new() { Host = Host, Instance = Instance, SessionId = SessionId };

    private static string NewSessionId() => Guid.NewGuid().ToString("N");
}
