namespace RenderFarm.Server.Registry;

/// <summary>
/// The frame-time histogram's bucket bounds: part of the contract with the add-on, which counts its
/// frames into the same buckets. protos/renderfarm/v1/reporter.proto states them on its
/// <c>frame-seconds-bounds:</c> line, and a test checks this copy (and the add-on's) against it.
/// </summary>
public static class FrameTimes
{
    /// <summary>Upper bounds in seconds, from a preview frame of a second to a hero frame of two hours.</summary>
    public static readonly double[] Bounds = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];

    /// <summary>Buckets a report carries: one per bound and one for longer frames.</summary>
    public static int BucketCount => Bounds.Length + 1;

    /// <summary>The add-on's per-bucket counts, cumulative as exposed; null for none (no frame yet).</summary>
    public static ulong[]? Cumulative(IReadOnlyList<ulong> counts)
    {
        if (counts.Count == 0)
        {
            return null;
        }

        var buckets = new ulong[counts.Count];
        ulong total = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            // Saturates rather than wraps: a count this large is already absurd, never a reason to refuse.
            total = ulong.MaxValue - total < counts[i] ? ulong.MaxValue : total + counts[i];
            buckets[i] = total;
        }

        return buckets;
    }

    public static bool SameBuckets(ulong[]? stored, ulong[]? reported) =>
        stored == reported || (stored is not null && reported is not null && stored.AsSpan().SequenceEqual(reported));
}
