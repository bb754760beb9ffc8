namespace RenderFarm.Server.Registry;

/// <summary>
/// When a rendering instance is stalled: Blender has shown no progress in the frame under way for
/// <see cref="RenderFarmOptions.StallAfter"/>, or the frame has run for longer than its host's frames take, five times
/// their 95th percentile and never less than StallAfter. Judged on each report: the reporter thread goes on reporting
/// while Blender's main thread hangs, and its reports carry how long ago Blender last showed progress.
/// </summary>
/// <remarks>
/// A slow frame that keeps sampling shows progress dozens of times a frame, so it is stalled only once it runs past its
/// host's bound; a frame that hangs before its first sample has shown none since it started.
/// </remarks>
internal sealed class StallRule(TimeSpan stallAfter)
{
    /// <summary>How many times its host's 95th-percentile frame a frame may take before it counts as stalled.</summary>
    public const double HostFrameFactor = 5;

    public bool Stalled(in InstanceReport report, HostRecord host)
    {
        if (!report.Rendering)
        {
            return false;
        }

        // Progress is told while rendering, between frames too (a driver that hangs evaluating the next frame).
        var after = stallAfter.TotalSeconds;
        if (report.ProgressAgeSeconds >= after)
        {
            return true;
        }

        // The host's p95 takes its lock: read only for a frame already past StallAfter, which the bound never is below.
        return report.FrameElapsedSeconds is { } elapsed && elapsed >= after
            && host.FrameSecondsP95() is { } p95 && elapsed >= HostFrameFactor * p95;
    }
}
