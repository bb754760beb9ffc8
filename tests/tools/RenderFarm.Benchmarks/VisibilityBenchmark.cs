using System.Diagnostics;
using RenderFarm.LoadGenerator;

namespace RenderFarm.Benchmarks;

/// <summary>
/// From a report's reply to the change appearing on /metrics: a probe instance flips its
/// render state, and a scrape started on the reply is read until the new value shows.
/// Probes are spread over the farm so their samples land all over the exposition.
/// </summary>
public static class VisibilityBenchmark
{
    private const int Probes = 20;
    private const int WarmUpScrapes = 60;

    public static async Task<VisibilityFigure> RunAsync(IReportTarget target, ScrapeClient scrape, int instances, int samples,
        CancellationToken cancellationToken)
    {
        var probes = FarmLoad.CreateFarm(Probes, "visibility-probe", instancesPerHost: 1);
        await FarmLoad.PopulateAsync(target, probes, Probes, cancellationToken);
        // A server is scraped all its life: measured warm, once the scrape path is compiled
        // to its final form (the runtime recompiles a method after about 30 calls).
        for (var i = 0; i < WarmUpScrapes; i++)
        {
            await scrape.TimeAsync(cancellationToken);
        }

        var latencies = new List<TimeSpan>(samples);
        var toHeaders = new List<TimeSpan>(samples);
        var notInFirstScrape = 0;
        var collectionsBefore = await ServerCollectionsAsync(scrape, cancellationToken);
        for (var i = 0; i < samples; i++)
        {
            var probe = probes[i % Probes];
            probe.Rendering = !probe.Rendering;
            var expected = $"Blender_Render{{host=\"{probe.Host}\",instance=\"{probe.Instance}\"}} {(probe.Rendering ? 1 : 0)}";
            await target.ReportAsync(probe, cancellationToken);
            var replied = Stopwatch.GetTimestamp();

            long? seen = null;
            long headers = 0;
            for (var scrapes = 0; seen is null; scrapes++)
            {
                if (scrapes == 1)
                {
                    notInFirstScrape++;
                }
                else if (scrapes > 20)
                {
                    throw new InvalidOperationException($"{expected} did not appear on /metrics in 20 scrapes");
                }

                (headers, seen) = await scrape.FindLineTimedAsync(expected, cancellationToken);
            }

            latencies.Add(Stopwatch.GetElapsedTime(replied, seen.Value));
            toHeaders.Add(Stopwatch.GetElapsedTime(replied, headers));
        }

        var collections = await ServerCollectionsAsync(scrape, cancellationToken) - collectionsBefore;

        foreach (var probe in probes)
        {
            await target.SignOffAsync(probe, cancellationToken);
        }

        latencies.Sort();
        toHeaders.Sort();
        return new VisibilityFigure(instances, samples, Quantiles.Of(latencies, 0.5), Quantiles.Of(latencies, 0.99), latencies[^1],
            notInFirstScrape)
        {
            HeadersP50 = Quantiles.Of(toHeaders, 0.5),
            HeadersP99 = Quantiles.Of(toHeaders, 0.99),
            ServerCollections = collections,
        };
    }

    /// <summary>Garbage collections of the server so far, every generation, from its own /metrics.</summary>
    private static async Task<double> ServerCollectionsAsync(ScrapeClient scrape, CancellationToken cancellationToken)
    {
        double total = 0;
        await scrape.StreamAsync((line, _) =>
        {
            if (line.StartsWith("dotnet_collection_count_total{", StringComparison.Ordinal))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }, cancellationToken);
        return total;
    }
}
