namespace RenderFarm.Server.Registry;

/// <summary>
/// What a Blender session claims to have done so far: its frames per bucket, their seconds and its renders by outcome.
/// Reports carry them cumulatively; the registry keeps the most a session ever claimed (its high-water marks), and a
/// report adds only what goes beyond them (see <see cref="SessionProgress"/>).
/// </summary>
internal struct SessionClaims
{
    public FrameCounts Frames;
    public ulong FrameTotal;
    public double Seconds;
    public ulong Completed;
    public ulong Cancelled;
    public ulong Failed;

    public static SessionClaims Of(in InstanceReport report) => new()
    {
        Frames = FrameCounts.Of(report.FrameSecondsBuckets),
        FrameTotal = ReportRules.FramesOf(report.FrameSecondsBuckets),
        Seconds = report.FrameSecondsSum,
        Completed = report.RendersCompleted,
        Cancelled = report.RendersCancelled,
        Failed = report.RendersFailed,
    };

    /// <summary>The larger of each claim of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static SessionClaims Max(in SessionClaims a, in SessionClaims b)
    {
        var max = new SessionClaims
        {
            FrameTotal = Math.Max(a.FrameTotal, b.FrameTotal),
            Seconds = Math.Max(a.Seconds, b.Seconds),
            Completed = Math.Max(a.Completed, b.Completed),
            Cancelled = Math.Max(a.Cancelled, b.Cancelled),
            Failed = Math.Max(a.Failed, b.Failed),
        };
        for (var i = 0; i < FrameTimes.BucketCount; i++)
        {
            max.Frames[i] = Math.Max(a.Frames[i], b.Frames[i]);
        }

        return max;
    }

    /// <summary>True when every claim of <paramref name="other"/> is at most this one's.</summary>
    public readonly bool Covers(in SessionClaims other)
    {
        if (other.FrameTotal > FrameTotal || other.Seconds > Seconds || other.Completed > Completed || other.Cancelled > Cancelled
            || other.Failed > Failed)
        {
            return false;
        }

        for (var i = 0; i < FrameTimes.BucketCount; i++)
        {
            if (other.Frames[i] > Frames[i])
            {
                return false;
            }
        }

        return true;
    }
}
