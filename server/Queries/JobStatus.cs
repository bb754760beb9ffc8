namespace RenderFarm.Server.Queries;

/// <summary>The running (or last) render job of an instance.</summary>
/// <param name="FrameStart">First frame of the job's range.</param>
/// <param name="FrameEnd">Last frame of the job's range.</param>
/// <param name="Progress">Share of the range before the current frame, 0 to 1; null unless rendering.</param>
/// <param name="EtaSeconds">
/// Frames left (the current one included) times the mean frame time of this Blender process; null unless rendering
/// with a finished frame. A Blender process renders one job (or one chunk) in a farm, so its mean is the job's recent one.
/// </param>
public sealed record JobStatus(int FrameStart, int FrameEnd, double? Progress, double? EtaSeconds = null)
{
    public static double? EtaOf(int frameEnd, int currentFrame, ulong[]? frameBuckets, double frameSecondsSum)
    {
        if (frameBuckets is not [.., var frames and > 0])
        {
            return null;
        }

        var left = Math.Max(0, (double)frameEnd - currentFrame + 1);
        // Finite for any report the registry stores (ReportRules); absent rather than infinite should that ever change.
        var eta = Math.Round(left * (frameSecondsSum / frames), 1);
        return double.IsFinite(eta) ? eta : null;
    }

    /// <summary>
    /// Frames before the current one are done; the current one is in progress. Blender's
    /// frame step is not reported, so a job rendering every other frame reads low: an
    /// honest lower bound rather than a guess.
    /// </summary>
    public static double ProgressOf(int frameStart, int frameEnd, int currentFrame)
    {
        var length = (double)frameEnd - frameStart + 1;
        var done = (double)currentFrame - frameStart;
        return Math.Round(Math.Clamp(done / length, 0, 1), 4);
    }
}
