using System.Diagnostics;
using System.Globalization;
using RenderFarm.LoadGenerator;
using RenderFarm.Testing;

namespace RenderFarm.Benchmarks.Soak;

/// <summary>
/// A farm that runs for a long time with churn: every live instance heartbeats, a share of
/// them vanishes every round without signing off while as many new ones start. The server
/// must keep its memory flat, expire exactly the vanished ones, and leave nothing behind.
/// </summary>
public static class SoakRun
{
    public static async Task<SoakResult> RunAsync(SoakSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        settings.Validate();
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:InstanceTtl"] = settings.Ttl.ToString("c", CultureInfo.InvariantCulture),
            ["RenderFarm:HeartbeatInterval"] = settings.Heartbeat.ToString("c", CultureInfo.InvariantCulture),
            ["RenderFarm:MaxInstances"] = (settings.Instances * 2).ToString(CultureInfo.InvariantCulture),
            // The churned instances come with new host names, as burst nodes do, and never return: their hosts' frame
            // times go with their last instance, so that "nothing left" and "memory flat" hold for hosts too.
            ["RenderFarm:HostRetention"] = "00:00:00",
        });
        await using var target = new ReporterTarget(ServerAddress.Parse($"grpc://127.0.0.1:{server.GrpcPort}"), connections: 4);
        using var scrape = new ScrapeClient(server.HttpAddress);

        var live = new Queue<SimulatedInstance>(FarmLoad.CreateFarm(settings.Instances, "soak"));
        var next = settings.Instances;
        var churned = 0;
        long reports = 0, failed = 0;
        var memory = new List<MemoryReading>();
        var clock = Stopwatch.StartNew();
        var nextReading = settings.MemoryFrom;
        var random = new Random(1125);

        log.WriteLine($"Soak: {settings.Instances:N0} instances, {settings.ChurnPerRound} replaced every {settings.Heartbeat.TotalSeconds:F0} s, " +
            $"TTL {settings.Ttl.TotalSeconds:F0} s, for {settings.Duration.TotalSeconds:F0} s");
        for (var rounds = 0; clock.Elapsed < settings.Duration; rounds++)
        {
            var round = clock.Elapsed;
            // Churn: the oldest instances vanish without a word; new Blenders (new names) start.
            if (rounds > 0)
            {
                for (var i = 0; i < settings.ChurnPerRound; i++)
                {
                    live.Dequeue();
                    churned++;
                    live.Enqueue(FarmLoad.CreateFarm(1, "soak", first: next++)[0]);
                }
            }

            await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
                async (instance, token) =>
                {
                    Advance(instance, random);
                    try
                    {
                        await target.ReportAsync(instance, token);
                        Interlocked.Increment(ref reports);
                    }
                    catch (Grpc.Core.RpcException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                });

            if (clock.Elapsed >= nextReading)
            {
                var (heap, rss) = await ServerMemory.AfterFullCollectionAsync(server.ProcessId, scrape, cancellationToken);
                var held = Exposition.Parse(await scrape.TextAsync(cancellationToken)).Series("Blender_Render").Count();
                memory.Add(new MemoryReading(clock.Elapsed, held, heap, rss));
                log.WriteLine($"  {clock.Elapsed.TotalSeconds,5:F0} s: {held:N0} instances held, heap {heap / 1048576:F1} MiB, RSS {rss / 1048576:F1} MiB");
                nextReading += settings.MemoryEvery;
            }

            var wait = round + settings.Heartbeat - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
        }

        // The end of the farm: the remaining Blenders exit cleanly; the vanished ones must all expire.
        var signedOff = live.Count;
        await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (instance, token) => await target.SignOffAsync(instance, token));
        var deadline = Stopwatch.StartNew();
        Exposition scrapeAtEnd;
        do
        {
            await Task.Delay(250, cancellationToken);
            scrapeAtEnd = Exposition.Parse(await scrape.TextAsync(cancellationToken));
        }
        while (scrapeAtEnd.Samples.Any(OfAnInstance) && deadline.Elapsed < settings.Ttl + TimeSpan.FromSeconds(2));

        return new SoakResult(settings, reports, failed, churned, signedOff,
            scrapeAtEnd.Value("renderfarm_instances_expired_total") ?? -1,
            scrapeAtEnd.Value("renderfarm_instances_signed_off_total") ?? -1,
            scrapeAtEnd.Samples.Count(OfAnInstance),
            memory);
    }

    /// <summary>
    /// A series of a live instance. Instances that vanished mid-render leave their lost render listed (a bounded list
    /// of past events, kept for the server's retention, not state of an instance).
    /// </summary>
    private static bool OfAnInstance(Sample sample) =>
        sample.Labels.ContainsKey("host") && sample.Name != "blender_render_lost_timestamp_seconds";

    /// <summary>What a rendering Blender changes between two heartbeats.</summary>
    private static void Advance(SimulatedInstance instance, Random random)
    {
        lock (random)
        {
            if (random.NextDouble() < 0.05)
            {
                instance.Rendering = !instance.Rendering;
            }

            if (instance.Rendering)
            {
                instance.CurrentFrame++;
                var seconds = 1 + random.NextDouble() * 60;
                instance.FinishFrame(seconds, 4_000_000_000);
                instance.ProcessCpuSeconds += seconds * 1.8;
            }
        }
    }
}
