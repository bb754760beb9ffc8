namespace RenderFarm.Server.Registry;

/// <summary>
/// What one applied report adds to the totals that outlive its Blender session (its host's frame times, the farm's
/// renders): only what goes beyond the most the session ever claimed. Reports are cumulative per session, so this is
/// exact however many reports were lost in between; and no sequence of reports from one session, however it moves its
/// counts down and up again or from bucket to bucket, adds more than its largest claim.
/// </summary>
internal struct SessionProgress
{
    /// <summary>Frames added per bucket; never more in all than the session's claimed total grew by.</summary>
    public FrameCounts Frames;
    public double Seconds;
    public ulong Completed;
    public ulong Cancelled;
    public ulong Failed;

    /// <summary>
    /// True when the report carries frame times the host should count: a frame finished, or the session's first render
    /// began (buckets at zero), so the host's series exist before its first frame finishes and that frame counts in rate().
    /// </summary>
    public bool ReportsFrames;

    /// <summary>What <paramref name="now"/> claims beyond <paramref name="high"/> (the session's marks so far; default for a new session).</summary>
    public static SessionProgress Beyond(in SessionClaims high, in SessionClaims now, bool reportsFrames)
    {
        var progress = new SessionProgress
        {
            Seconds = Math.Max(0, now.Seconds - high.Seconds),
            Completed = Added(high.Completed, now.Completed),
            Cancelled = Added(high.Cancelled, now.Cancelled),
            Failed = Added(high.Failed, now.Failed),
            ReportsFrames = reportsFrames,
        };

        // Frames moved from one bucket to another raise the new bucket's mark but not the total's: the total bounds the
        // frames added, and what does not fit is left out (a frame missed rather than counted twice).
        var allowed = Added(high.FrameTotal, now.FrameTotal);
        for (var b = 0; b < FrameTimes.BucketCount && allowed > 0; b++)
        {
            var added = Math.Min(Added(high.Frames[b], now.Frames[b]), allowed);
            progress.Frames[b] = added;
            allowed -= added;
        }

        return progress;
    }

    private static ulong Added(ulong from, ulong to) => to > from ? to - from : 0;
}
