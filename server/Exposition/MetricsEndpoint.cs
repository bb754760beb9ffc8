using Prometheus;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Exposition;

/// <summary>GET /metrics: the farm's metrics, then the server's own process metrics from prometheus-net.</summary>
public static class MetricsEndpoint
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static int _defaultsConfigured;

    /// <summary>
    /// Keeps prometheus-net's default registry to process and GC metrics: its event-counter
    /// and meter adapters would add hundreds of series per scrape that nobody asked for.
    /// </summary>
    public static void UseLeanProcessMetrics()
    {
        if (Interlocked.Exchange(ref _defaultsConfigured, 1) == 0)
        {
            Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
            {
                SuppressEventCounters = true,
                SuppressMeters = true,
                SuppressDebugMetrics = true,
            });
        }
    }

    public static async Task WriteAsync(HttpContext context, InstanceRegistry registry)
    {
        var cancellationToken = context.RequestAborted;
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-store";
        await FarmExposition.WriteAsync(context.Response.BodyWriter, registry, cancellationToken);
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, cancellationToken);
    }
}
