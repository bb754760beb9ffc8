using System.Globalization;
using RenderFarm.LoadGenerator;
using RenderFarm.Testing;

namespace RenderFarm.Benchmarks;

/// <summary>Scrapes at each size: plain (classic text, uncompressed) and as Prometheus asks (OpenMetrics preferred, gzip).</summary>
public sealed record SizeResults(
    IReadOnlyList<ScrapeFigure> Ours, IReadOnlyList<ScrapeFigure> Pushgateway, MemoryFigure Memory, VisibilityFigure Visibility)
{
    public IReadOnlyList<ScrapeFigure> OursAsPrometheus { get; init; } = [];

    public IReadOnlyList<ScrapeFigure> PushgatewayAsPrometheus { get; init; } = [];

    /// <summary>The status API's first page and full walk, at the largest size.</summary>
    public StatusFigure? Status { get; init; }

    /// <summary>The farm page's poll, at the visibility size.</summary>
    public PagePollFigure? PagePoll { get; init; }
}

/// <summary>
/// Grows one server to each size in turn (1k, 10k, 100k) and times its /metrics; at the
/// visibility size it measures visibility, at the largest its memory. Then Pushgateway
/// holding the same instances.
/// </summary>
public static class ScrapeBenchmark
{
    public static async Task<SizeResults> RunAsync(BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var farm = FarmLoad.CreateFarm(settings.MemoryInstances, "node");
        var (ours, memory, visibility) = await RunOursAsync(settings, farm, log, cancellationToken);
        var pushgateway = await RunPushgatewayAsync(settings, farm, log, cancellationToken);
        return new SizeResults(ours.Plain, pushgateway.Plain, memory, visibility)
        {
            OursAsPrometheus = ours.AsPrometheus,
            PushgatewayAsPrometheus = pushgateway.AsPrometheus,
            Status = ours.Status,
            PagePoll = ours.PagePoll,
        };
    }

    /// <summary>Our server alone: its scrape times, visibility and memory, for a quick before/after of a change to it.</summary>
    public static async Task<(ScrapeFigures Scrapes, MemoryFigure Memory, VisibilityFigure Visibility)> RunOursAsync(
        BenchmarkSettings settings, SimulatedInstance[] farm, TextWriter log, CancellationToken cancellationToken)
    {
        var ours = new ScrapeFigures();
        VisibilityFigure? visibility = null;
        MemoryFigure memory;
        await using (var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            // Nothing may expire while the server grows.
            ["RenderFarm:InstanceTtl"] = "01:00:00",
            ["RenderFarm:MaxInstances"] = settings.MemoryInstances.ToString(CultureInfo.InvariantCulture),
        }))
        {
            await using var target = new ReporterTarget(new ServerAddress(server.GrpcAddress, Transport.Grpc), settings.Connections);
            using var scrape = new ScrapeClient(server.HttpAddress);
            await scrape.TimeAsync(cancellationToken);
            var empty = await ServerMemory.AfterFullCollectionAsync(server.ProcessId, scrape, cancellationToken);

            var held = 0;
            foreach (var size in settings.ScrapeSizes)
            {
                await GrowAsync(target, farm, held, size, settings.Concurrency, cancellationToken);
                held = size;
                await RequireInstancesAsync(scrape, "Blender_Render{", size, strict: size <= 10_000, cancellationToken);
                await ours.TimeAsync(scrape, size, settings.ScrapeRepeats, $"RenderFarm server, {size:N0} instances", log, cancellationToken);

                if (size == settings.VisibilityInstances)
                {
                    ours.PagePoll = await StatusBenchmark.PagePollAsync(server.HttpAddress, size, settings.ScrapeRepeats, cancellationToken);
                    log.WriteLine($"  farm page's poll at {size:N0} instances: {ours.PagePoll.BytesPerPoll:N0} bytes, " +
                        $"median {ours.PagePoll.PollTime.TotalMilliseconds:F1} ms, {ours.PagePoll.BytesPerSecond / 1024:F1} KiB/s");

                    visibility = await VisibilityBenchmark.RunAsync(target, scrape, size, settings.VisibilitySamples, cancellationToken);
                    log.WriteLine($"  visibility at {size:N0} instances: p50 {visibility.P50.TotalMilliseconds:F2} ms, " +
                        $"p99 {visibility.P99.TotalMilliseconds:F2} ms, max {visibility.Max.TotalMilliseconds:F2} ms; to the headers " +
                        $"p50 {visibility.HeadersP50.TotalMilliseconds:F2} ms, p99 {visibility.HeadersP99.TotalMilliseconds:F2} ms; " +
                        $"{visibility.ServerCollections} server GCs");
                }
            }

            var full = await ServerMemory.AfterFullCollectionAsync(server.ProcessId, scrape, cancellationToken);
            memory = new MemoryFigure(held, empty.Heap, full.Heap, empty.Rss, full.Rss);
            log.WriteLine($"  memory at {held:N0} instances: {memory.HeapPerInstance:F0} B heap, {memory.RssPerInstance:F0} B RSS per instance");

            // After the memory: a walk of every page is a client's burst of garbage, which the resident set keeps a while
            // after the collector freed it; the memory figure is what holding the farm costs.
            ours.Status = await StatusBenchmark.WalkAsync(server.HttpAddress, held, cancellationToken);
            log.WriteLine($"  /api/instances at {held:N0} instances: first page {ours.Status.FirstPage.TotalMilliseconds:F1} ms, " +
                $"{ours.Status.FirstPageBytes:N0} bytes; every page {ours.Status.Walk.TotalSeconds:F1} s, {ours.Status.Pages} pages, " +
                $"{ours.Status.WalkBytes:N0} bytes, {ours.Status.Listed:N0} instances listed");
        }

        return (ours, memory, visibility ?? throw new ArgumentException("the visibility size must be one of the scrape sizes"));
    }

    private static async Task<ScrapeFigures> RunPushgatewayAsync(BenchmarkSettings settings, SimulatedInstance[] farm,
        TextWriter log, CancellationToken cancellationToken)
    {
        var pushgatewayFigures = new ScrapeFigures();
        await using (var pushgateway = await Pushgateway.StartAsync(consistencyCheck: false))
        {
            await using var target = new PushgatewayTarget(pushgateway.Address);
            using var scrape = new ScrapeClient(pushgateway.Address);
            var held = 0;
            foreach (var size in settings.ScrapeSizes)
            {
                await GrowAsync(target, farm, held, size, settings.Concurrency, cancellationToken);
                held = size;
                await RequireInstancesAsync(scrape, "push_time_seconds{", size, strict: false, cancellationToken);
                await pushgatewayFigures.TimeAsync(scrape, size, settings.ScrapeRepeats, $"Pushgateway, {size:N0} groups", log, cancellationToken);
            }
        }

        return pushgatewayFigures;
    }

    private static async Task GrowAsync(IReportTarget target, SimulatedInstance[] farm, int from, int to, int concurrency,
        CancellationToken cancellationToken)
    {
        var errors = await FarmLoad.PopulateAsync(target, farm[from..to], concurrency, cancellationToken);
        if (errors > 0)
        {
            throw new InvalidOperationException($"{errors} of {to - from} reports failed while growing {target.Description} to {to} instances");
        }
    }

    /// <summary>
    /// Waits until the scrape holds exactly <paramref name="expected"/> instances, parsing it strictly
    /// where that stays quick. Pushgateway without its consistency check answers a push before
    /// storing it, so its last pushes can take a moment to show.
    /// </summary>
    private static async Task RequireInstancesAsync(ScrapeClient scrape, string perInstancePrefix, int expected, bool strict,
        CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var found = await CountAsync(scrape, perInstancePrefix, strict, cancellationToken);
            if (found == expected)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"/metrics holds {found} series {perInstancePrefix.TrimEnd('{')}, expected {expected}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static async Task<int> CountAsync(ScrapeClient scrape, string perInstancePrefix, bool strict, CancellationToken cancellationToken)
    {
        if (strict)
        {
            return Exposition.Parse(await scrape.TextAsync(cancellationToken)).Series(perInstancePrefix.TrimEnd('{')).Count();
        }

        var found = 0;
        await scrape.StreamAsync((line, _) =>
        {
            if (line.StartsWith(perInstancePrefix, StringComparison.Ordinal))
            {
                found++;
            }
        }, cancellationToken);
        return found;
    }

    /// <summary>One side's scrape figures at each size, both ways of asking.</summary>
    public sealed class ScrapeFigures
    {
        public List<ScrapeFigure> Plain { get; } = [];

        public List<ScrapeFigure> AsPrometheus { get; } = [];

        public StatusFigure? Status { get; set; }

        public PagePollFigure? PagePoll { get; set; }

        /// <summary>Times the scrapes both ways, alternating, so that a busy moment of the machine weighs on both alike.</summary>
        public async Task TimeAsync(ScrapeClient scrape, int instances, int repeats, string what, TextWriter log,
            CancellationToken cancellationToken)
        {
            await scrape.TimeAsync(cancellationToken);
            await scrape.TimeAsync(cancellationToken, asPrometheus: true);
            var (plain, asPrometheus) = (new List<TimeSpan>(), new List<TimeSpan>());
            var (plainBytes, asPrometheusBytes) = (0L, 0L);
            for (var i = 0; i < repeats; i++)
            {
                (var elapsed, plainBytes) = await scrape.TimeAsync(cancellationToken);
                plain.Add(elapsed);
                (elapsed, asPrometheusBytes) = await scrape.TimeAsync(cancellationToken, asPrometheus: true);
                asPrometheus.Add(elapsed);
            }

            Plain.Add(Figure(instances, plain, plainBytes));
            AsPrometheus.Add(Figure(instances, asPrometheus, asPrometheusBytes));
            log.WriteLine($"  scrape, {what}: {Describe(Plain[^1])}; as Prometheus asks (OpenMetrics, gzip): {Describe(AsPrometheus[^1])}");
        }

        private static ScrapeFigure Figure(int instances, List<TimeSpan> times, long bytes)
        {
            times.Sort();
            return new ScrapeFigure(instances, Quantiles.Of(times, 0.5), times[0], bytes);
        }

        private static string Describe(ScrapeFigure figure) =>
            $"median {figure.Median.TotalMilliseconds:F1} ms, fastest {figure.Fastest.TotalMilliseconds:F1} ms, {figure.Bytes:N0} bytes";
    }
}
