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
        var buckets = new ulong[FrameTimes.BucketCount];
        var label = new byte[256];
        foreach (var host in hosts)
        {
            if (host.Counting)
            {
                // Encoded per scrape into one reused array rather than kept per host: with throw-away host names a
                // kept copy per host would cost as much memory as the host's counts.
                var length = EncodeHost(host.Host, ref label);
                Write(buffer, label.AsSpan(0, length), host, buckets);
                await buffer.FlushIfFullAsync(cancellationToken);
            }
        }
    }

    /// <summary>UTF-8 of <c>host="…"</c> into <paramref name="label"/>, grown when too small; its length.</summary>
    private static int EncodeHost(string host, ref byte[] label)
    {
        var escaped = LabelText.Escape(host); // the same string unless it holds a quote, backslash or line feed
        var length = "host=\"".Length + System.Text.Encoding.UTF8.GetByteCount(escaped) + 1;
        if (label.Length < length)
        {
            label = new byte[length];
        }

        "host=\""u8.CopyTo(label);
        var at = "host=\"".Length + System.Text.Encoding.UTF8.GetBytes(escaped, label.AsSpan("host=\"".Length));
        label[at] = (byte)'"';
        return length;
    }

    private static void Write(ExpositionBuffer buffer, ReadOnlySpan<byte> label, HostRecord host, ulong[] buckets)
    {
        var (sum, _) = host.Read(buckets);
        for (var b = 0; b < buckets.Length; b++)
        {
            buffer.Sample(BucketName, label, Bounds[b], buckets[b]);
        }

        buffer.Sample(SumName, label, sum);
        buffer.Sample(CountName, label, buckets[^1]);
    }
}
