using System.Diagnostics;

namespace RenderFarm.Benchmarks;

/// <summary>Every measure, one after another, each on fresh server processes.</summary>
public static class BenchmarkRun
{
    public static async Task<BenchmarkResults> RunAsync(BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var machine = Machine.Describe();
        var pushgatewayVersion = await Pushgateway.VersionAsync();
        log.WriteLine($"{machine.Cpu}, {machine.Cores} cores, {machine.Memory}, {machine.OperatingSystem}, {machine.DotNet}; " +
            $"load average {machine.LoadAverage}");

        log.WriteLine("Ingest");
        var ingest = await IngestBenchmark.RunAsync(settings, log, cancellationToken);
        log.WriteLine("Scrape, visibility, memory");
        var sizes = await ScrapeBenchmark.RunAsync(settings, log, cancellationToken);
        log.WriteLine("Memory with worst-case strings");
        var worstCase = await WorstCaseMemoryBenchmark.RunAsync(settings, log, cancellationToken);
        log.WriteLine("Expiry");
        var expiry = await ExpiryBenchmark.RunAsync(settings, log, cancellationToken);
        log.WriteLine("Render overhead of the add-on, in real Blender");
        var overhead = await OverheadBenchmark.RunAsync(settings, log, cancellationToken);
        return new BenchmarkResults(machine, pushgatewayVersion, settings, ingest, sizes, worstCase, expiry, overhead, started,
            clock.Elapsed);
    }
}
