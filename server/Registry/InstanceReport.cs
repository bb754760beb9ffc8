namespace RenderFarm.Server.Registry;

/// <summary>The full state of one Blender instance as it reported it (level-triggered).</summary>
/// <remarks>
/// A value: a report on its way to the registry costs no object of its own, and the registry
/// keeps the latest one inline in the instance's record.
/// </remarks>
public readonly record struct InstanceReport
{
    public InstanceReport()
    {
    }

    public required string Host { get; init; }
    public required string Instance { get; init; }
    public required string SessionId { get; init; }
    public ulong Sequence { get; init; }

    public bool Rendering { get; init; }

    public string BlenderVersion { get; init; } = "";
    public string AddonVersion { get; init; } = "";
    public string Scene { get; init; } = "";
    public string BlendFile { get; init; } = "";
    public string Engine { get; init; } = "";

    public int CurrentFrame { get; init; }
    public int? JobFrameStart { get; init; }
    public int? JobFrameEnd { get; init; }

    public ulong FramesRendered { get; init; }
    public double RenderSeconds { get; init; }
    public double? LastFrameSeconds { get; init; }
    public double ProcessCpuSeconds { get; init; }
    public ulong? ResidentMemoryBytes { get; init; }

    public string Device { get; init; } = "";
    public string RenderJob { get; init; } = "";
    public uint? Samples { get; init; }

    /// <summary>Frames of this session at or under each of <see cref="FrameTimes.Bounds"/>, then all of them: cumulative,
    /// as a histogram's buckets are exposed; null before the first frame.</summary>
    public ulong[]? FrameSecondsBuckets { get; init; }
    public double FrameSecondsSum { get; init; }
    public ulong? FramePeakMemoryBytes { get; init; }
    public ulong RendersCompleted { get; init; }
    public ulong RendersCancelled { get; init; }
    public ulong RendersFailed { get; init; }

    /// <summary>Why the session's last failed render failed, as the add-on could tell; empty before one failed.</summary>
    public string RenderFailure { get; init; } = "";

    /// <summary>While a frame renders: seconds since it started, and since Blender last showed progress in it, as of the
    /// report (<see cref="InstanceEntry.LastSeen"/> less them is when); null between frames.</summary>
    public double? FrameElapsedSeconds { get; init; }
    public double? ProgressAgeSeconds { get; init; }

    /// <summary>Samples done and in all of the frame under way, where Blender tells them.</summary>
    public uint? FrameSamplesDone { get; init; }
    public uint? FrameSamplesTotal { get; init; }

    /// <summary>The share of the frame under way that is done, 0 to 1 to the thousandth, where its samples are told.</summary>
    public double? FrameProgress =>
        this is { FrameSamplesDone: { } done, FrameSamplesTotal: { } total and > 0 } ? Math.Round((double)done / total, 3) : null;

    /// <summary>
    /// This report as the registry stores it after <paramref name="stored"/> (default for a new instance):
    /// every free-text value shared through <paramref name="texts"/>, and the stored string kept where the
    /// value did not change. A free-text value missing here is stored once per instance instead of once.
    /// </summary>
    internal InstanceReport WithTextsOf(in InstanceReport stored, TextPool texts) => this with
    {
        BlenderVersion = texts.Keep(stored.BlenderVersion, BlenderVersion),
        AddonVersion = texts.Keep(stored.AddonVersion, AddonVersion),
        Scene = texts.Keep(stored.Scene, Scene),
        BlendFile = texts.Keep(stored.BlendFile, BlendFile),
        Engine = texts.Keep(stored.Engine, Engine),
        Device = texts.Keep(stored.Device, Device),
        RenderJob = texts.Keep(stored.RenderJob, RenderJob),
        RenderFailure = texts.Keep(stored.RenderFailure, RenderFailure),
        // Buckets change only when a frame finishes: an unchanged histogram keeps the stored array.
        FrameSecondsBuckets = FrameTimes.SameBuckets(stored.FrameSecondsBuckets, FrameSecondsBuckets)
            ? stored.FrameSecondsBuckets : FrameSecondsBuckets,
    };
}
