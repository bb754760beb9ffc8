using System.Buffers;
using System.IO.Pipelines;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// Writes the registry's metrics at scrape time, straight from the stored entries:
/// a report only swaps one entry, and the exposition text is made only when asked for.
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
        var entries = registry.Entries.ToArray();
        var metrics = InstanceMetric.All;
        var count = entries.Length;

        // The text format groups samples by family, so every entry is visited once per family.
        // Entries are scattered over the heap: reading each one once into flat arrays, then
        // writing the families from those, keeps a 100k-instance scrape out of cache misses.
        var values = ArrayPool<double>.Shared.Rent(count * metrics.Count);
        var present = ArrayPool<bool>.Shared.Rent(count * metrics.Count);
        var labels = ArrayPool<byte[]>.Shared.Rent(count);
        var infoLabels = ArrayPool<byte[]>.Shared.Rent(count);
        try
        {
            var rendering = 0;
            for (var i = 0; i < count; i++)
            {
                var entry = entries[i];
                labels[i] = entry.Key.LabelBytes;
                infoLabels[i] = entry.InfoLabelBytes;
                rendering += entry.Report.Rendering ? 1 : 0;
                for (var m = 0; m < metrics.Count; m++)
                {
                    var value = metrics[m].Value(entry);
                    present[(m * count) + i] = value.HasValue;
                    values[(m * count) + i] = value.GetValueOrDefault();
                }
            }

            var buffer = new ExpositionBuffer(writer);
            for (var m = 0; m < metrics.Count; m++)
            {
                var metric = metrics[m];
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

            buffer.Write(InstancesHeader);
            buffer.Sample("renderfarm_instances"u8, "state=\"rendering\""u8, rendering);
            buffer.Sample("renderfarm_instances"u8, "state=\"idle\""u8, count - rendering);
            buffer.Write(ExpiredHeader);
            buffer.Sample("renderfarm_instances_expired_total"u8, default, registry.ExpiredTotal);
            buffer.Write(SignedOffHeader);
            buffer.Sample("renderfarm_instances_signed_off_total"u8, default, registry.SignedOffTotal);
            await buffer.FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(values);
            ArrayPool<bool>.Shared.Return(present);
            ArrayPool<byte[]>.Shared.Return(labels, clearArray: true);
            ArrayPool<byte[]>.Shared.Return(infoLabels, clearArray: true);
        }
    }
}
