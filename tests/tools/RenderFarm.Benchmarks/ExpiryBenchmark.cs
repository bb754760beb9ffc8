using System.Diagnostics;
using System.Globalization;
using RenderFarm.LoadGenerator;
using RenderFarm.Testing;

namespace RenderFarm.Benchmarks;

/// <summary>
/// Expiry precision: every instance reports once, then falls silent; /metrics is polled and
/// each instance's lateness is (first scrape without it, at its end) − (its report sent) − TTL.
/// Both ends are taken so that the figure can only overstate the true lateness.
/// </summary>
public static class ExpiryBenchmark
{
    public static async Task<ExpiryFigure> RunAsync(BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var ttl = settings.ExpiryTtl;
        var heartbeat = TimeSpan.FromTicks(Math.Max(ttl.Ticks / 5, TimeSpan.FromMilliseconds(100).Ticks));
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:InstanceTtl"] = ttl.ToString("c", CultureInfo.InvariantCulture),
            ["RenderFarm:HeartbeatInterval"] = heartbeat.ToString("c", CultureInfo.InvariantCulture),
        });
        await using var target = new ReporterTarget(new ServerAddress(server.GrpcAddress, Transport.Grpc), settings.Connections);
        using var scrape = new ScrapeClient(server.HttpAddress);

        var farm = FarmLoad.CreateFarm(settings.ExpiryInstances, "expiring");
        var index = farm.Select((instance, i) => (Line: $"Blender_Render{{host=\"{instance.Host}\",instance=\"{instance.Instance}\"}}", i))
            .ToDictionary(pair => pair.Line, pair => pair.i, StringComparer.Ordinal);
        var sent = await ReportOnceAsync(target, farm, settings.Concurrency, cancellationToken);

        var scrapeText = await scrape.TextAsync(cancellationToken);
        var present = Exposition.Parse(scrapeText).Series("Blender_Render").Count();
        if (present != farm.Length)
        {
            throw new InvalidOperationException($"/metrics holds {present} instances right after they reported, expected {farm.Length}");
        }

        var ttlTicks = (long)(ttl.TotalSeconds * Stopwatch.Frequency);
        var gone = new long[farm.Length];
        var remaining = farm.Length;
        var early = 0;
        var deadline = sent.Max() + ttlTicks + (5 * Stopwatch.Frequency);
        var untilFirstExpiry = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), sent.Min() + ttlTicks) - TimeSpan.FromMilliseconds(300);
        if (untilFirstExpiry > TimeSpan.Zero)
        {
            await Task.Delay(untilFirstExpiry, cancellationToken);
        }

        while (remaining > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            var seen = new bool[farm.Length];
            await scrape.StreamAsync((line, _) =>
            {
                var space = line.LastIndexOf(' ');
                if (space > 0 && line.StartsWith("Blender_Render{", StringComparison.Ordinal)
                    && index.TryGetValue(line[..space], out var i))
                {
                    seen[i] = true;
                }
            }, cancellationToken);
            var end = Stopwatch.GetTimestamp();
            for (var i = 0; i < farm.Length; i++)
            {
                if (!seen[i] && gone[i] == 0)
                {
                    gone[i] = end;
                    remaining--;
                    if (end < sent[i] + ttlTicks)
                    {
                        early++;
                    }
                }
            }

            await Task.Delay(10, cancellationToken);
        }

        var lateness = gone.Select((at, i) => at == 0 ? (TimeSpan?)null : Stopwatch.GetElapsedTime(sent[i] + ttlTicks, at))
            .OfType<TimeSpan>().Order().ToList();
        var figure = new ExpiryFigure(farm.Length, ttl, Quantiles.Of(lateness, 0.5), Quantiles.Of(lateness, 0.99),
            lateness.Count == 0 ? TimeSpan.Zero : lateness[^1], early, remaining);
        log.WriteLine($"  expiry at {farm.Length:N0} instances, TTL {ttl.TotalSeconds:F0} s: after TTL p50 {figure.P50.TotalMilliseconds:F0} ms, " +
            $"p99 {figure.P99.TotalMilliseconds:F0} ms, max {figure.Max.TotalMilliseconds:F0} ms; {early} early, {remaining} never gone");
        return figure;
    }

    /// <summary>Each instance reports once; returns when each report was sent (Stopwatch timestamps).</summary>
    private static async Task<long[]> ReportOnceAsync(ReporterTarget target, SimulatedInstance[] farm, int concurrency,
        CancellationToken cancellationToken)
    {
        var sent = new long[farm.Length];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await Task.Yield();
            int i;
            while ((i = Interlocked.Increment(ref next)) < farm.Length)
            {
                sent[i] = Stopwatch.GetTimestamp();
                await target.ReportAsync(farm[i], cancellationToken);
            }
        }));
        return sent;
    }
}
