namespace RenderFarm.Server.Registry;

/// <summary>
/// What a report must look like before it is stored: its identity follows <see cref="IdentityRules"/>,
/// its numbers are in range, and free text is truncated.
/// </summary>
public static class ReportRules
{
    public const int MaxTextLength = 256;

    /// <summary>Null when the report can be stored, else "field: what is wrong".</summary>
    public static string? Validate(InstanceReport report)
    {
        return IdentityRules.Error("host", report.Host)
            ?? IdentityRules.Error("instance", report.Instance)
            ?? IdentityRules.Error("session_id", report.SessionId)
            ?? SecondsError("render_seconds", report.RenderSeconds)
            ?? SecondsError("last_frame_seconds", report.LastFrameSeconds)
            ?? SecondsError("process_cpu_seconds", report.ProcessCpuSeconds)
            ?? SecondsError("frame_seconds_sum", report.FrameSecondsSum)
            ?? BucketsError(report.FrameSecondsBuckets)
            ?? FrameRangeError(report.JobFrameStart, report.JobFrameEnd);
    }

    private static string? BucketsError(ulong[]? buckets) =>
        buckets is null || buckets.Length == FrameTimes.BucketCount
            ? null
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

    private static string? SecondsError(string field, double? seconds) =>
        seconds is { } s && (!double.IsFinite(s) || s < 0)
            ? $"{field}: must be a finite number of seconds >= 0, was {s}"
            : null;

    private static string? FrameRangeError(int? start, int? end) =>
        (start, end) switch
        {
            (null, null) => null,
            ({ } s, { } e) when s <= e => null,
            ({ }, { }) => $"job_frame_end: must not be before job_frame_start ({start}), was {end}",
            _ => "job_frame_start, job_frame_end: give both or neither",
        };
}
