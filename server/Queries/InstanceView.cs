using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Queries;

/// <summary>One Blender instance as the status API, the farm page and the check command see it.</summary>
public sealed record InstanceView
{
    public required string Host { get; init; }

    public required string Instance { get; init; }

    public required InstanceState State { get; init; }

    public required int CurrentFrame { get; init; }

    /// <summary>Null before the instance's first render job.</summary>
    public JobStatus? Job { get; init; }

    /// <summary>The frame under way; null between frames.</summary>
    public FrameStatus? Frame { get; init; }

    /// <summary>Frames rendered by this Blender process.</summary>
    public required ulong FramesRendered { get; init; }

    /// <summary>When the last report was applied (UTC).</summary>
    public required DateTimeOffset LastSeen { get; init; }

    /// <summary>Seconds since the last applied report.</summary>
    public required double AgeSeconds { get; init; }

    public string BlenderVersion { get; init; } = "";

    public string Engine { get; init; } = "";

    /// <summary>The render device as Blender names it (CPU, OPTIX, …; GPU for EEVEE); empty when unknown.</summary>
    public string Device { get; init; } = "";

    /// <summary>The render manager's job this Blender works for; empty when none was given.</summary>
    public string RenderJob { get; init; } = "";

    /// <summary>The .blend file, as Blender reported it.</summary>
    public string File { get; init; } = "";

    public string Scene { get; init; } = "";

    /// <summary>Why this Blender's last failed render failed ("output not written: …"); empty while none failed.</summary>
    public string RenderFailure { get; init; } = "";

    public static InstanceView From(InstanceEntry entry, TimeProvider timeProvider)
    {
        var report = entry.Report;
        var state = report.Rendering ? entry.Stalled ? InstanceState.Stalled : InstanceState.Rendering : InstanceState.Idle;
        var frame = FrameStatus.Of(entry);
        return new InstanceView
        {
            Host = entry.Key.Host,
            Instance = entry.Key.Instance,
            State = state,
            CurrentFrame = report.CurrentFrame,
            Job = report is { JobFrameStart: { } start, JobFrameEnd: { } end }
                ? state.Renders()
                    ? new JobStatus(start, end, JobStatus.ProgressOf(start, end, report.CurrentFrame),
                        JobStatus.EtaOf(end, report.CurrentFrame, report.FrameSecondsBuckets, report.FrameSecondsSum,
                            report.FrameElapsedSeconds, frame?.Progress))
                    : new JobStatus(start, end, null)
                : null,
            Frame = frame,
            FramesRendered = report.FramesRendered,
            LastSeen = entry.LastSeen,
            // The monotonic clock, so that a wall-clock step does not age every instance at once.
            AgeSeconds = Math.Round(timeProvider.GetElapsedTime(entry.LastSeenTimestamp).TotalSeconds, 3),
            BlenderVersion = report.BlenderVersion,
            Engine = report.Engine,
            Device = report.Device,
            RenderJob = report.RenderJob,
            File = report.BlendFile,
            Scene = report.Scene,
            RenderFailure = report.RenderFailure,
        };
    }
}
