using RenderFarm.Contracts.V1;

namespace RenderFarm.LoadGenerator;

/// <summary>
/// The state one Blender instance reports, as the add-on keeps it: a session per Blender
/// process, a sequence that grows with every report, counters that restart with the session.
/// A new instance is one of a farm at work: a dozen frames into its session (so its reports and
/// the server's /metrics carry the frame-time histogram, as a working farm's do); a restarted one
/// starts from nothing. Not thread-safe: one call per instance is in flight at a time.
/// </summary>
public sealed class SimulatedInstance(string host, string instance)
{
    public const string BlenderVersion = "3.4.1";
    public const string AddonVersion = "1.0.0";

    /// <summary>The .proto's frame-seconds-bounds (a test checks this copy against it).</summary>
    public static readonly double[] FrameSecondsBounds = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];

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

    public ulong FramesRendered { get; set; } = 12;

    public double RenderSeconds { get; set; } = 540;

    public double? LastFrameSeconds { get; set; } = 45;

    public string Device { get; set; } = "OPTIX";

    public string Job { get; set; } = "shot010_lighting";

    public uint Samples { get; set; } = 1024;

    /// <summary>Frames per bucket of the frame-time histogram (see the .proto's frame-seconds-bounds); empty before the first.</summary>
    public ulong[] FrameSecondsCounts { get; private set; } = [0, 0, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0];

    public double FrameSecondsSum { get; set; } = 540;

    public ulong? FramePeakMemoryBytes { get; set; } = 5_500_000_000;

    public ulong RendersCompleted { get; set; } = 1;

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
        FrameSecondsCounts = [];
        FrameSecondsSum = 0;
        FramePeakMemoryBytes = null;
        RendersCompleted = 0;
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
            RenderSeconds = Milliseconds(RenderSeconds),
            ProcessCpuSeconds = Milliseconds(ProcessCpuSeconds),
            ResidentMemoryBytes = ResidentMemoryBytes,
            Device = Device,
            Job = Job,
            Samples = Samples,
            FrameSecondsCounts = { FrameSecondsCounts },
            FrameSecondsSum = Milliseconds(FrameSecondsSum),
            RendersCompleted = RendersCompleted,
        };
        if (FramePeakMemoryBytes is { } peak)
        {
            report.FramePeakMemoryBytes = peak;
        }

        if (JobFrameStart is { } start && JobFrameEnd is { } end)
        {
            report.JobFrameStart = start;
            report.JobFrameEnd = end;
        }

        if (LastFrameSeconds is { } last)
        {
            report.LastFrameSeconds = Milliseconds(last);
        }

        if (Rendering && FrameUnderWay() is var (elapsed, done, total))
        {
            // The frame under way, as the add-on reports it: its age, its last progress half a second ago, its samples.
            report.FrameElapsedSeconds = elapsed;
            report.ProgressAgeSeconds = 0.5;
            report.FrameSamplesDone = done;
            report.FrameSamplesTotal = total;
        }

        return report;
    }

    /// <summary>A finished frame of <paramref name="seconds"/>: counted, timed, into its histogram bucket.</summary>
    public void FinishFrame(double seconds, ulong peakMemoryBytes)
    {
        FramesRendered++;
        RenderSeconds += seconds;
        LastFrameSeconds = seconds;
        if (FrameSecondsCounts.Length == 0)
        {
            FrameSecondsCounts = new ulong[FrameSecondsBounds.Length + 1];
        }

        var bucket = Array.FindIndex(FrameSecondsBounds, bound => seconds <= bound);
        FrameSecondsCounts[bucket < 0 ? FrameSecondsBounds.Length : bucket]++;
        FrameSecondsSum += seconds;
        FramePeakMemoryBytes = peakMemoryBytes;
    }

    /// <summary>A 45-second frame under way, further along with every report; its samples out of the scene's.</summary>
    public (double Elapsed, uint Done, uint Total) FrameUnderWay()
    {
        var total = Samples;
        var elapsed = Milliseconds(0.5 + Sequence % 90 * 0.5);
        return (elapsed, (uint)(total * Math.Min(1, elapsed / 45)), total);
    }

    /// <summary>Seconds to the millisecond, as the add-on sends them.</summary>
    public static double Milliseconds(double seconds) => Math.Round(seconds, 3);

    public SignOffRequest SignOffRequest() => new() { Host = Host, Instance = Instance, SessionId = SessionId };

    private static string NewSessionId() => Guid.NewGuid().ToString("N");
}
