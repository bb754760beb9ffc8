using System.Globalization;

namespace RenderFarm.Benchmarks;

/// <summary>
/// The server's managed heap (<c>dotnet_total_memory_bytes</c>) and resident set
/// (<c>process_working_set_bytes</c>) as its own /metrics reports them, right after a forced full GC.
/// </summary>
public static class ServerMemory
{
    private const string Gen2Collections = "dotnet_collection_count_total{generation=\"2\"}";

    public static async Task<(double Heap, double Rss)> AfterFullCollectionAsync(int processId, ScrapeClient scrape,
        CancellationToken cancellationToken)
    {
        var before = await ReadAsync(scrape, cancellationToken);
        var gen2Before = before[Gen2Collections];
        Dictionary<string, double> after = before;
        await FullGc.ForceAsync(processId, async () =>
        {
            after = await ReadAsync(scrape, cancellationToken);
            return after[Gen2Collections] > gen2Before;
        }, TimeSpan.FromSeconds(30));
        return (after["dotnet_total_memory_bytes"], after["process_working_set_bytes"]);
    }

    /// <summary>The server's own metrics (the ones after the farm's), by series.</summary>
    private static async Task<Dictionary<string, double>> ReadAsync(ScrapeClient scrape, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        await scrape.StreamAsync((line, _) =>
        {
            if ((line.StartsWith("dotnet_", StringComparison.Ordinal) || line.StartsWith("process_", StringComparison.Ordinal))
                && line.LastIndexOf(' ') is var space and > 0
                && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..space]] = value;
            }
        }, cancellationToken);
        foreach (var name in new[] { Gen2Collections, "dotnet_total_memory_bytes", "process_working_set_bytes" })
        {
            if (!values.ContainsKey(name))
            {
                throw new InvalidOperationException($"the server's /metrics has no {name}");
            }
        }

        return values;
    }
}
