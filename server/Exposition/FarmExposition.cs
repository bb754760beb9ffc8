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
        var buffer = new ExpositionBuffer(writer);

        foreach (var metric in InstanceMetric.All)
        {
            buffer.Write(metric.Header);
            foreach (var entry in entries)
            {
                if (metric.Value(entry) is { } value)
                {
                    buffer.Sample(metric.Name, metric.UsesInfoLabels ? entry.InfoLabelBytes : entry.Key.LabelBytes, value);
                    await buffer.FlushIfFullAsync(cancellationToken);
                }
            }
        }

        var rendering = entries.Count(e => e.Report.Rendering);
        buffer.Write(InstancesHeader);
        buffer.Sample("renderfarm_instances"u8, "state=\"rendering\""u8, rendering);
        buffer.Sample("renderfarm_instances"u8, "state=\"idle\""u8, entries.Length - rendering);
        buffer.Write(ExpiredHeader);
        buffer.Sample("renderfarm_instances_expired_total"u8, default, registry.ExpiredTotal);
        buffer.Write(SignedOffHeader);
        buffer.Sample("renderfarm_instances_signed_off_total"u8, default, registry.SignedOffTotal);
        await buffer.FlushAsync(cancellationToken);
    }
}
