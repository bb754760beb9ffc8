using System.IO.Pipelines;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// Writes the registry's metrics at scrape time, straight from the instances' slots:
/// a report only updates one slot, and the exposition text is made only when asked for.
/// </summary>
public static class FarmExposition
{
    private static readonly byte[] InstancesHeader = MetricHeader.Encode(
        "renderfarm_instances", "gauge", "Blender instances known to the server, by render state.");

    private static readonly byte[] ExpiredHeader = MetricHeader.Encode(
        "renderfarm_instances_expired_total", "counter", "Instances forgotten because they stopped reporting for a TTL.");

    private static readonly byte[] SignedOffHeader = MetricHeader.Encode(
        "renderfarm_instances_signed_off_total", "counter", "Instances removed by a clean sign-off.");

    public static async Task WriteAsync(PipeWriter writer, InstanceRegistry registry, CancellationToken cancellationToken)
    {
        var slots = registry.Slots.ToArray();
        var metrics = InstanceMetric.All;
        var count = slots.Length;
        var buffer = new ExpositionBuffer(writer);

        // The text format groups samples by family, so every instance is needed once per family.
        // Slots lie scattered over the heap: one pass reads each of them into flat arrays
        // and the later families are written from those, which keeps a large scrape out of
        // cache misses. That pass writes the first family (the render state) as it goes, so
        // the scrape starts flowing at once.
        var rest = metrics.Count - 1;
        var snapshot = ScrapeSnapshot.Rent(count, rest);
        int rendering;
        try
        {
            rendering = await WriteFamiliesAsync(buffer, slots, metrics, snapshot, cancellationToken);
        }
        finally
        {
            snapshot.Return(count);
        }

        buffer.Write(InstancesHeader);
        buffer.Sample("renderfarm_instances"u8, "state=\"rendering\""u8, rendering);
        buffer.Sample("renderfarm_instances"u8, "state=\"idle\""u8, count - rendering);
        buffer.Write(ExpiredHeader);
        buffer.Sample("renderfarm_instances_expired_total"u8, default, registry.ExpiredTotal);
        buffer.Write(SignedOffHeader);
        buffer.Sample("renderfarm_instances_signed_off_total"u8, default, registry.SignedOffTotal);
        await buffer.FlushAsync(cancellationToken);
    }

    /// <returns>How many instances are rendering.</returns>
    private static async Task<int> WriteFamiliesAsync(ExpositionBuffer buffer, InstanceSlot[] slots,
        IReadOnlyList<InstanceMetric> metrics, ScrapeSnapshot snapshot, CancellationToken cancellationToken)
    {
        var count = slots.Length;
        var rest = metrics.Count - 1;
        var (values, present, labels, infoLabels) = (snapshot.Values, snapshot.Present, snapshot.Labels, snapshot.InfoLabels);
        var rendering = 0;
        var first = metrics[0];
        buffer.Write(first.Header);
        for (var i = 0; i < count; i++)
        {
            var entry = slots[i].Read();
            labels[i] = entry.Key.LabelBytes;
            infoLabels[i] = entry.InfoLabelBytes;
            rendering += entry.Report.Rendering ? 1 : 0;
            for (var m = 0; m < rest; m++)
            {
                var value = metrics[m + 1].Value(in entry);
                present[(m * count) + i] = value.HasValue;
                values[(m * count) + i] = value.GetValueOrDefault();
            }

            if (first.Value(in entry) is { } firstValue)
            {
                buffer.Sample(first.Name, first.UsesInfoLabels ? infoLabels[i] : labels[i], firstValue);
                await buffer.FlushIfFullAsync(cancellationToken);
            }
        }

        for (var m = 0; m < rest; m++)
        {
            var metric = metrics[m + 1];
            var metricLabels = metric.UsesInfoLabels ? infoLabels : labels;
            buffer.Write(metric.Header);
            for (int i = 0, at = m * count; i < count; i++, at++)
            {
                if (present[at])
                {
                    buffer.Sample(metric.Name, metricLabels[i], values[at]);
                    await buffer.FlushIfFullAsync(cancellationToken);
                }
            }
        }

        return rendering;
    }
}
