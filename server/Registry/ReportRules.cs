namespace RenderFarm.Server.Registry;

/// <summary>
/// What a report must look like before it is stored: its identity follows <see cref="IdentityRules"/>,
/// its numbers are finite and plausible, and free text is truncated.
/// </summary>
/// <remarks>
/// The bounds are far beyond any real Blender, and close enough that nothing the server derives from a stored
/// report (sums over a farm, frames left × mean frame time, a finish time) can overflow to infinity or past
/// the calendar: a value past them is a faulty or hostile client, refused with the field's name.
/// </remarks>
public static class ReportRules
{
    public const int MaxTextLength = 256;

    /// <summary>The longest frame: 10 million seconds, about 115 days.</summary>
    public const double MaxFrameSeconds = 1e7;

    /// <summary>The most frames or renders one session (one Blender process) may claim: a billion.</summary>
    public const ulong MaxSessionCount = 1_000_000_000;

    /// <summary>Blender's own frame limits (MINAFRAME, MAXFRAME in DNA_scene_types.h).</summary>
    public const int MinFrame = -1_048_574, MaxFrame = 1_048_574;

    /// <summary>CPU seconds of one process: 1,024 cores busy for the longest frame.</summary>
    public const double MaxCpuSeconds = 1024 * MaxFrameSeconds;

    /// <summary>Samples of one frame: Cycles' own limit (2^24).</summary>
    public const uint MaxSamples = 1 << 24;

    /// <summary>Memory of one process: a pebibyte.</summary>
    public const ulong MaxMemoryBytes = 1UL << 50;

    /// <summary>Null when the report can be stored, else "field: what is wrong".</summary>
    public static string? Validate(InstanceReport report)
    {
        return IdentityRules.Error("host", report.Host)
            ?? IdentityRules.Error("instance", report.Instance)
            ?? IdentityRules.Error("session_id", report.SessionId)
            ?? FrameError("current_frame", report.CurrentFrame)
            ?? FrameError("job_frame_start", report.JobFrameStart)
            ?? FrameError("job_frame_end", report.JobFrameEnd)
            ?? FrameRangeError(report.JobFrameStart, report.JobFrameEnd)
            ?? CountError("frames_rendered", report.FramesRendered)
            ?? CountError("renders_completed", report.RendersCompleted)
            ?? CountError("renders_cancelled", report.RendersCancelled)
            ?? CountError("renders_failed", report.RendersFailed)
            ?? BucketsError(report.FrameSecondsBuckets)
            ?? SecondsError("last_frame_seconds", report.LastFrameSeconds, MaxFrameSeconds, "the longest frame")
            ?? SecondsError("process_cpu_seconds", report.ProcessCpuSeconds, MaxCpuSeconds, "1,024 cores for the longest frame")
            ?? SecondsError("frame_elapsed_seconds", report.FrameElapsedSeconds, MaxFrameSeconds, "the longest frame")
            ?? SecondsError("progress_age_seconds", report.ProgressAgeSeconds, MaxFrameSeconds, "the longest frame")
            ?? SamplesError(report.FrameSamplesDone, report.FrameSamplesTotal)
            // A session's sums are at most what its counts allow: each frame (or cancelled render) up to the longest frame.
            ?? SecondsError("frame_seconds_sum", report.FrameSecondsSum, FramesOf(report.FrameSecondsBuckets) * MaxFrameSeconds,
                "the longest frame for each frame counted in frame_seconds_counts")
            ?? SecondsError("render_seconds", report.RenderSeconds,
                ((double)report.FramesRendered + report.RendersCancelled + report.RendersFailed + 1) * MaxFrameSeconds,
                "the longest frame for each frame rendered, render cancelled and render failed, and one more")
            ?? MemoryError("resident_memory_bytes", report.ResidentMemoryBytes)
            ?? MemoryError("frame_peak_memory_bytes", report.FramePeakMemoryBytes);
    }

    /// <summary>The frames a session's cumulative buckets count: the last bucket holds every frame.</summary>
    public static ulong FramesOf(ulong[]? buckets) => buckets is { Length: > 0 } ? buckets[^1] : 0;

    private static string? BucketsError(ulong[]? buckets) =>
        buckets is null || buckets.Length == FrameTimes.BucketCount
            ? FramesOf(buckets) > MaxSessionCount
                ? $"frame_seconds_counts: must add up to at most {MaxSessionCount:N0} frames, was {FramesOf(buckets)}"
                : null
            : $"frame_seconds_counts: expected {FrameTimes.BucketCount} counts (one per bound of the .proto's frame-seconds-bounds, "
              + $"then one for longer frames), got {buckets.Length}";

    /// <summary>Cuts free text to <see cref="MaxTextLength"/> characters without splitting a surrogate pair.</summary>
    public static string Truncate(string value)
    {
        if (value.Length <= MaxTextLength)
        {
            return value;
        }

        var length = char.IsHighSurrogate(value[MaxTextLength - 1]) ? MaxTextLength - 1 : MaxTextLength;
        return value[..length];
    }

    /// <summary>
    /// Cuts a file path to <see cref="MaxTextLength"/> characters from the front, marked with "…",
    /// so the folders nearest the file and the file name itself survive (shot010/lighting.blend).
    /// </summary>
    public static string TruncatePath(string path)
    {
        if (path.Length <= MaxTextLength)
        {
            return path;
        }

        var start = path.Length - (MaxTextLength - 1);
        if (char.IsLowSurrogate(path[start]))
        {
            start++;
        }

        return "…" + path[start..];
    }

    private static string? SecondsError(string field, double? seconds, double max, string maxMeaning) =>
        seconds switch
        {
            { } s when !double.IsFinite(s) || s < 0 => $"{field}: must be a finite number of seconds >= 0, was {Number(s)}",
            { } s when s > max => $"{field}: must be at most {Number(max)} seconds ({maxMeaning}), was {Number(s)}",
            _ => null,
        };

    private static string? SamplesError(uint? done, uint? total) =>
        (done, total) switch
        {
            (_, > MaxSamples) => $"frame_samples_total: must be at most {MaxSamples} (Cycles' limit), was {total}",
            ({ } d, { } t) when d > t => $"frame_samples_done: must not be more than frame_samples_total ({t}), was {d}",
            ({ } d, null) when d > MaxSamples => $"frame_samples_done: must be at most {MaxSamples} (Cycles' limit), was {d}",
            _ => null,
        };

    private static string? CountError(string field, ulong count) =>
        count > MaxSessionCount ? $"{field}: must be at most {MaxSessionCount:N0} for one Blender session, was {count}" : null;

    private static string? FrameError(string field, int? frame) =>
        frame is { } f && (f < MinFrame || f > MaxFrame)
            ? $"{field}: must be a frame Blender can have, {MinFrame} to {MaxFrame}, was {f}"
            : null;

    private static string? MemoryError(string field, ulong? bytes) =>
        bytes > MaxMemoryBytes ? $"{field}: must be at most {MaxMemoryBytes} bytes (a pebibyte), was {bytes}" : null;

    private static string Number(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static string? FrameRangeError(int? start, int? end) =>
        (start, end) switch
        {
            (null, null) => null,
            ({ } s, { } e) when s <= e => null,
            ({ }, { }) => $"job_frame_end: must not be before job_frame_start ({start}), was {end}",
            _ => "job_frame_start, job_frame_end: give both or neither",
        };
}
