namespace RenderFarm.Server.Queries;

/// <summary>The running (or last) render job of an instance.</summary>
/// <param name="FrameStart">First frame of the job's range.</param>
/// <param name="FrameEnd">Last frame of the job's range.</param>
/// <param name="Progress">Share of the range before the current frame, 0 to 1; null unless rendering.</param>
/// <param name="EtaSeconds">
/// Frames left (the current one included) times the mean frame time of this Blender process, less the part of the current
/// frame already done; null unless rendering with a finished frame. A Blender process renders one job (or one chunk) in a
/// farm, so its mean is the job's recent one.
/// </param>
public sealed record JobStatus(int FrameStart, int FrameEnd, double? Progress, double? EtaSeconds = null)
{
    /// <param name="frameElapsed">Seconds the current frame has been rendering, where known.</param>
    /// <param name="frameProgress">The current frame's share done (its samples), where Blender tells it.</param>
    public static double? EtaOf(int frameEnd, int currentFrame, ulong[]? frameBuckets, double frameSecondsSum,
        double? frameElapsed = null, double? frameProgress = null)
    {
        if (frameBuckets is not [.., var frames and > 0])
        {
            return null;
        }

        var mean = frameSecondsSum / frames;
        var left = Math.Max(0, (double)frameEnd - currentFrame + 1);
        var eta = left * mean;
        if (left >= 1 && frameElapsed is { } elapsed)
        {
            // The current frame's rest: at its own pace where its samples tell how far it is, else the mean less what it took.
            var rest = frameProgress is { } p and > 0 ? elapsed * (1 - p) / p : Math.Max(0, mean - elapsed);
            eta = (left - 1) * mean + rest;
        }

        // Finite for any report the registry stores (ReportRules); absent rather than infinite should that ever change.
        eta = Math.Round(eta, 1);
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
