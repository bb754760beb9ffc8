namespace RenderFarm.Server.Registry;

/// <summary>
/// Frames per bucket of <see cref="FrameTimes.Bounds"/> and one for longer frames, each bucket its own count (not
/// cumulative). Inline: a host record, a session's claims and what a report adds hold one without an array of their own.
/// </summary>
/// <remarks>13 places: a change of the bounds fails the frame-time tests until this follows.</remarks>
[System.Runtime.CompilerServices.InlineArray(13)]
internal struct FrameCounts
{
    private ulong _count;

    /// <summary>The buckets' own counts from a report's cumulative ones (null: none yet).</summary>
    public static FrameCounts Of(ulong[]? cumulative)
    {
        var counts = default(FrameCounts);
        if (cumulative is null)
        {
            return counts;
        }

        ulong below = 0;
        for (var b = 0; b < FrameTimes.BucketCount; b++)
        {
            // Validated reports count at most ReportRules.MaxSessionCount frames: nothing saturated, nothing wraps.
            counts[b] = cumulative[b] >= below ? cumulative[b] - below : 0;
            below = cumulative[b];
        }

        return counts;
    }
}
