using RenderFarm.LoadGenerator;
using RenderFarm.Testing;

namespace RenderFarm.Benchmarks;

/// <summary>One side of the ingest comparison.</summary>
public sealed record IngestSide(string Name, LoadResult Result, string Detail);

public sealed record IngestResults(IngestSide Ours, IngestSide DoNothing, IngestSide PushgatewayFastest, IngestSide PushgatewayShipped);

/// <summary>
/// Reports/s and latency at a fixed number of calls in flight over many instances: our server,
/// the do-nothing server taking turns with it, then Pushgateway in both configurations.
/// </summary>
public static class IngestBenchmark
{
    public static async Task<IngestResults> RunAsync(BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var load = new LoadSettings
        {
            Instances = settings.IngestInstances,
            Concurrency = settings.Concurrency,
            Warmup = settings.IngestWarmup,
            Duration = settings.IngestDuration,
        };

        IngestSide ours;
        IngestSide doNothing;
        await using (var server = await ServerProcess.StartAsync())
        await using (var empty = await NullServer.StartAsync())
        {
            await using var oursTarget = new ReporterTarget(new ServerAddress(server.GrpcAddress, Transport.Grpc), settings.Connections);
            await using var emptyTarget = new ReporterTarget(new ServerAddress(empty.GrpcAddress, Transport.Grpc), settings.Connections);
            var oursFarm = FarmLoad.CreateFarm(settings.IngestInstances, "ingest");
            var emptyFarm = FarmLoad.CreateFarm(settings.IngestInstances, "ingest");

            LoadResult? bestOurs = null;
            LoadResult? bestEmpty = null;
            for (var round = 1; round <= settings.IngestRounds; round++)
            {
                // A fresh server still tiers up its code and grows its heap: the first round warms up longer.
                var rounds = round == 1 ? load with { Warmup = load.Warmup * 3 } : load with { Populate = false };
                var o = await FarmLoad.RunAsync(oursTarget, oursFarm, rounds, cancellationToken);
                log.WriteLine($"  ingest round {round}, RenderFarm server: {o}");
                var e = await FarmLoad.RunAsync(emptyTarget, emptyFarm, rounds, cancellationToken);
                log.WriteLine($"  ingest round {round}, do-nothing server: {e}");
                bestOurs = Best(bestOurs, o);
                bestEmpty = Best(bestEmpty, e);
            }

            using var scrape = new ScrapeClient(server.HttpAddress);
            var held = Exposition.Parse(await scrape.TextAsync(cancellationToken)).Series("renderfarm_instances").Sum(s => s.Value);
            ours = new IngestSide("RenderFarm server", bestOurs!, $"holds {held:N0} instances after the run");
            doNothing = new IngestSide("do-nothing gRPC server", bestEmpty!, "same stack, empty Report handler");
        }

        var fastest = await PushgatewayAsync(consistencyCheck: false, populate: true, load, log, cancellationToken);
        var shipped = await PushgatewayAsync(consistencyCheck: true, populate: false, load, log, cancellationToken);
        return new IngestResults(ours, doNothing, fastest, shipped);
    }

    /// <summary>
    /// As shipped, Pushgateway re-checks its whole store on every push, so filling it with every
    /// instance first would take longer than the whole benchmark: that side starts empty and
    /// fills as it goes, which flatters it.
    /// </summary>
    private static async Task<IngestSide> PushgatewayAsync(bool consistencyCheck, bool populate, LoadSettings load, TextWriter log,
        CancellationToken cancellationToken)
    {
        await using var pushgateway = await Pushgateway.StartAsync(consistencyCheck);
        await using var target = new PushgatewayTarget(pushgateway.Address);
        var result = await FarmLoad.RunAsync(target, FarmLoad.CreateFarm(load.Instances, "ingest"),
            load with { Populate = populate, Warmup = load.Warmup * 3 }, cancellationToken);
        log.WriteLine($"  ingest, Pushgateway {pushgateway.Configuration}: {result}");

        using var scrape = new ScrapeClient(pushgateway.Address);
        var groups = 0;
        await scrape.StreamAsync((line, _) =>
        {
            if (line.StartsWith("push_time_seconds{", StringComparison.Ordinal))
            {
                groups++;
            }
        }, cancellationToken);
        return new IngestSide($"Pushgateway, {pushgateway.Configuration}", result,
            populate ? $"holds {groups:N0} groups after the run" : $"started empty, held {groups:N0} groups at the end");
    }

    private static LoadResult Best(LoadResult? best, LoadResult candidate) =>
        best is null || candidate.CallsPerSecond > best.CallsPerSecond ? candidate : best;
}
