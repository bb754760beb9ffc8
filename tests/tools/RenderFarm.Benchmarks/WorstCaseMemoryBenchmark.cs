using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using RenderFarm.Contracts.V1;
using RenderFarm.Testing;

namespace RenderFarm.Benchmarks;

/// <summary>
/// Memory per instance when every report carries the longest strings the server keeps and no
/// text repeats across instances: 110-character host and instance names, 128-character session
/// ids, five distinct 256-character texts (with a quote to escape). The bound a hostile or
/// unusual farm can reach, beside the typical figure of the scrape benchmark.
/// </summary>
public static class WorstCaseMemoryBenchmark
{
    private const int MaxText = 256;

    public static async Task<MemoryFigure> RunAsync(BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var count = settings.WorstCaseInstances;
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:InstanceTtl"] = "01:00:00",
            ["RenderFarm:MaxInstances"] = count.ToString(CultureInfo.InvariantCulture),
        });
        using var scrape = new ScrapeClient(server.HttpAddress);
        await scrape.TimeAsync(cancellationToken);
        var empty = await ServerMemory.AfterFullCollectionAsync(server.ProcessId, scrape, cancellationToken);

        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new Reporter.ReporterClient(channel);
        var next = -1;
        var failed = 0;
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    await client.ReportAsync(Report(n), cancellationToken: cancellationToken);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {count} worst-case reports failed");
        }

        await scrape.TimeAsync(cancellationToken);
        var full = await ServerMemory.AfterFullCollectionAsync(server.ProcessId, scrape, cancellationToken);
        var figure = new MemoryFigure(count, empty.Heap, full.Heap, empty.Rss, full.Rss);
        log.WriteLine($"  worst-case strings at {count:N0} instances: {figure.HeapPerInstance:F0} B heap, {figure.RssPerInstance:F0} B RSS per instance");
        return figure;
    }

    public static ReportRequest Report(int n) => new()
    {
        Host = Padded(n, 'h', 110),
        Instance = Padded(n, 'i', 110),
        SessionId = Padded(n, 's', 128),
        Sequence = 1,
        State = RenderState.Idle,
        BlenderVersion = Text(n, 'v'),
        AddonVersion = Text(n, 'a'),
        Engine = Text(n, 'e'),
        Scene = Text(n, 'c'),
        BlendFile = Text(n, 'f'),
    };

    private static string Padded(int n, char filler, int length) =>
        n.ToString("D10", CultureInfo.InvariantCulture) + new string(filler, length - 10);

    private static string Text(int n, char filler) => Padded(n, filler, MaxText - 1) + "\"";
}
