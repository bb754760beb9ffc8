namespace RenderFarm.Server.Registry;

/// <summary>
/// What one applied report adds to its Blender session's totals: the frames it finished (by render time) and the
/// renders that ended since the session's previous report, or since nothing for a session the server had not seen.
/// Reports are cumulative per session, so the difference is exact however many reports were lost in between.
/// </summary>
internal readonly record struct SessionProgress(
    ulong[]? FromBuckets, ulong[]? ToBuckets, double FromSum, double ToSum, ulong CompletedAdded, ulong CancelledAdded)
{
    /// <summary>Progress from <paramref name="previous"/> (the same session's last report, or null for a new session) to <paramref name="current"/>.</summary>
    public static SessionProgress Between(InstanceReport? previous, in InstanceReport current) => previous is { } from
        ? new(from.FrameSecondsBuckets, current.FrameSecondsBuckets, from.FrameSecondsSum, current.FrameSecondsSum,
            Added(from.RendersCompleted, current.RendersCompleted), Added(from.RendersCancelled, current.RendersCancelled))
        : new(null, current.FrameSecondsBuckets, 0, current.FrameSecondsSum, current.RendersCompleted, current.RendersCancelled);

    /// <summary>
    /// True when the report carries frame times other than the session's previous report: a frame finished, or its first
    /// render began (buckets at zero). The registry keeps the stored buckets array while they do not change (see <see cref="InstanceReport"/>).
    /// </summary>
    public bool AddsFrames => ToBuckets is not null && !ReferenceEquals(FromBuckets, ToBuckets);

    // A session's counts never go back; one that does (a faulty client) adds nothing rather than subtracting.
    private static ulong Added(ulong from, ulong to) => to > from ? to - from : 0;
}
