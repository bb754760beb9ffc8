using System.Buffers;
using System.IO.Pipelines;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// Writes the registry's metrics at scrape time, straight from the instances' records:
/// a report only updates one record, and the exposition text is made only when asked for.
/// </summary>
public static class FarmExposition
{
    private static readonly MetricFamily Instances =
        MetricFamily.Gauge("renderfarm_instances", "Blender instances known to the server, by render state.");

    private static readonly byte[] RenderingState = LabelText.Encode(("state", "rendering"));

    private static readonly byte[] IdleState = LabelText.Encode(("state", "idle"));

    private static readonly MetricFamily Expired =
        MetricFamily.Counter("renderfarm_instances_expired_total", "Instances forgotten because they stopped reporting for a TTL.");

    private static readonly MetricFamily SignedOff =
        MetricFamily.Counter("renderfarm_instances_signed_off_total", "Instances removed by a clean sign-off.");

    private static readonly MetricFamily RendersLost =
        MetricFamily.Counter("renderfarm_renders_lost_total", "Renders whose Blender went away mid-render without signing off.");

    private static readonly MetricFamily Renders =
        MetricFamily.Counter("renderfarm_renders_total", "Renders that ended on the farm since the server started, by how they ended, whichever Blender process rendered them.");

    private static readonly byte[] Completed = LabelText.Encode(("outcome", "completed"));

    private static readonly byte[] Cancelled = LabelText.Encode(("outcome", "cancelled"));

    private static readonly byte[] Failed = LabelText.Encode(("outcome", "failed"));

    private static readonly MetricFamily RenderLost = MetricFamily.Gauge("blender_render_lost_timestamp_seconds",
        "Unix time a render was lost (its Blender went away mid-render without signing off), listed for RenderFarm:LostRenderRetention.");

    private static readonly MetricFamily RenderFailed = MetricFamily.Gauge("blender_render_failed_timestamp_seconds",
        "Unix time a render failed (its Blender said it ended neither completed nor cancelled), with the reason it gave, listed for RenderFarm:LostRenderRetention.");

    public static async Task WriteAsync(PipeWriter writer, InstanceRegistry registry, CancellationToken cancellationToken,
        ScrapeFormat format = ScrapeFormat.Text)
    {
        var buffer = new ExpositionBuffer(writer, format);

        // The render state comes first, written as the records are gathered, and goes out whole
        // before anything else is read: it is the farm's headline, the series a dashboard
        // watches flip, and one byte per record. The gathered records are rented: at 10k
        // instances a fresh array per scrape would already be a large object.
        var (records, count, rendering) = await WriteRenderStateAsync(buffer, registry, cancellationToken);
        try
        {
            await WriteFamiliesAsync(buffer, records.AsMemory(0, count), cancellationToken);
            await HostFrameTimes.WriteAsync(buffer, registry.Hosts, cancellationToken);
        }
        finally
        {
            // Records of instances that leave must not be kept alive by the pool.
            ArrayPool<InstanceRecord>.Shared.Return(records, clearArray: true);
        }

        buffer.Header(Instances);
        buffer.Sample(Instances.Name, RenderingState, rendering);
        buffer.Sample(Instances.Name, IdleState, count - rendering);
        buffer.Header(Expired);
        buffer.Sample(Expired.Name, default, registry.ExpiredTotal);
        buffer.Header(SignedOff);
        buffer.Sample(SignedOff.Name, default, registry.SignedOffTotal);
        buffer.Header(Renders);
        buffer.Sample(Renders.Name, Completed, registry.RendersCompleted);
        buffer.Sample(Renders.Name, Cancelled, registry.RendersCancelled);
        buffer.Sample(Renders.Name, Failed, registry.RendersFailed);
        buffer.Header(RendersLost);
        buffer.Sample(RendersLost.Name, default, registry.LostRenders.Total);
        ScrapeCounts.Write(buffer);
        var recent = registry.LostRenders.Recent();
        buffer.Header(RenderLost);
        foreach (var lost in recent)
        {
            if (!lost.Failed)
            {
                buffer.Sample(RenderLost.Name, LabelText.Encode(("host", lost.Host), ("instance", lost.Instance), ("render_job", lost.RenderJob),
                    ("file", lost.BlendFile), ("frame", FrameText(lost))), lost.LostAt.ToUnixTimeMilliseconds() / 1000.0);
            }
        }

        buffer.Header(RenderFailed);
        foreach (var failed in recent)
        {
            if (failed.Failed)
            {
                buffer.Sample(RenderFailed.Name, LabelText.Encode(("host", failed.Host), ("instance", failed.Instance),
                    ("render_job", failed.RenderJob), ("file", failed.BlendFile), ("frame", FrameText(failed)), ("reason", failed.Reason)),
                    failed.LostAt.ToUnixTimeMilliseconds() / 1000.0);
            }
        }

        await buffer.FlushAsync(cancellationToken);
    }

    private static string FrameText(LostRender render) => render.Frame.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <returns>The records written, in a rented array, and how many of them are rendering.</returns>
    private static async Task<(InstanceRecord[] Records, int Count, int Rendering)> WriteRenderStateAsync(
        ExpositionBuffer buffer, InstanceRegistry registry, CancellationToken cancellationToken)
    {
        var records = ArrayPool<InstanceRecord>.Shared.Rent(registry.Count + 64);
        var (count, rendering) = (0, 0);
        var renderState = InstanceMetric.RenderState;
        buffer.Header(renderState);
        buffer.GrowFlushes = false; // A line here waits at most 16 KiB for its flush.
        try
        {
            foreach (var record in registry.Records)
            {
                if (count == records.Length)
                {
                    // Instances arrived while the records were being gathered.
                    var larger = ArrayPool<InstanceRecord>.Shared.Rent(records.Length * 2);
                    records.AsSpan().CopyTo(larger);
                    ArrayPool<InstanceRecord>.Shared.Return(records, clearArray: true);
                    records = larger;
                }

                records[count++] = record;
                var state = record.Rendering;
                rendering += state ? 1 : 0;
                buffer.Sample(renderState.Name, InstanceLabelText.Of(record).Identity, state ? 1L : 0L);
                await buffer.FlushIfFullAsync(cancellationToken);
            }

            await buffer.FlushAsync(cancellationToken);
            buffer.GrowFlushes = true;
        }
        catch
        {
            ArrayPool<InstanceRecord>.Shared.Return(records, clearArray: true); // The scrape was abandoned.
            throw;
        }

        return (records, count, rendering);
    }

    /// <summary>
    /// The text format groups samples by family, so every instance is needed once per family.
    /// Records lie scattered over the heap: one pass copies each of them out (under its lock, so
    /// that an instance's values are all from one report) into flat arrays, and the families
    /// are written from those, which keeps a large scrape out of cache misses.
    /// </summary>
    private static async Task WriteFamiliesAsync(ExpositionBuffer buffer, ReadOnlyMemory<InstanceRecord> records,
        CancellationToken cancellationToken)
    {
        var metrics = InstanceMetric.All;
        var count = records.Length;
        var snapshot = ScrapeSnapshot.Rent(count, InstanceMetric.SeriesCount);
        try
        {
            snapshot.Fill(records.Span);
            await WriteSnapshotAsync(buffer, count, metrics, snapshot, cancellationToken);
        }
        finally
        {
            snapshot.Return(count);
        }
    }

    private static async Task WriteSnapshotAsync(ExpositionBuffer buffer, int count,
        IReadOnlyList<InstanceMetric> metrics, ScrapeSnapshot snapshot, CancellationToken cancellationToken)
    {
        var (values, present, labelSets) = (snapshot.Values, snapshot.Present, snapshot.LabelSets);
        foreach (var metric in metrics)
        {
            var labels = metric.LabelSet * count;
            buffer.Header(metric.Family);
            // Instance by instance, each one's series together: a histogram's buckets in order, then its sum and count,
            // as OpenMetrics and Prometheus 3's conversion of classic histograms expect.
            for (var i = 0; i < count; i++)
            {
                for (var s = 0; s < metric.Series.Count; s++)
                {
                    var at = ((metric.FirstSeries + s) * count) + i;
                    if (present[at])
                    {
                        var series = metric.Series[s];
                        buffer.Sample(series.Name, labelSets[labels + i], series.Label, values[at]);
                    }
                }

                await buffer.FlushIfFullAsync(cancellationToken);
            }
        }
    }
}
