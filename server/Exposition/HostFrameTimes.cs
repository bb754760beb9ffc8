using System.Globalization;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// The frame-time histogram, one per host: its frames over all its Blender processes, live and departed (see
/// <see cref="HostRecord"/>). Per host rather than per instance on purpose: a process started per task takes its own
/// series with it when it ends, often before a scrape saw its last frame; and it is 15 lines per host, not per instance.
/// </summary>
internal static class HostFrameTimes
{
    public static MetricFamily Family { get; } = MetricFamily.Histogram("blender_frame_render_seconds",
        "Render time of the frames rendered on the host by its Blender processes, live and departed, since the server first saw it.");

    private static readonly byte[] BucketName = "blender_frame_render_seconds_bucket"u8.ToArray();
    private static readonly byte[] SumName = "blender_frame_render_seconds_sum"u8.ToArray();
    private static readonly byte[] CountName = "blender_frame_render_seconds_count"u8.ToArray();

    /// <summary><c>le="…"</c> of each bucket, <c>+Inf</c> last.</summary>
    private static readonly byte[][] Bounds =
    [
        .. FrameTimes.Bounds.Select(bound => LabelText.Encode(("le", bound.ToString("R", CultureInfo.InvariantCulture)))),
        LabelText.Encode(("le", "+Inf")),
    ];

    /// <summary>Every counting host's buckets in order, then its sum and count, host by host as OpenMetrics expects.</summary>
    public static async Task WriteAsync(ExpositionBuffer buffer, IReadOnlyList<HostRecord> hosts, CancellationToken cancellationToken)
    {
        buffer.Header(Family);
        foreach (var host in hosts)
        {
            if (!host.Counting)
            {
                continue;
            }

            // The host's label text is made once and kept with it: hosts never change their name.
            if (host.ScrapeCache is not byte[] label)
            {
                host.ScrapeCache = label = LabelText.Encode(("host", host.Host));
            }

            var (buckets, sum, _) = host.Read();
            for (var b = 0; b < buckets.Length; b++)
            {
                buffer.Sample(BucketName, label, Bounds[b], buckets[b]);
            }

            buffer.Sample(SumName, label, sum);
            buffer.Sample(CountName, label, buckets[^1]);
            await buffer.FlushIfFullAsync(cancellationToken);
        }
    }
}
