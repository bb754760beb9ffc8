using RenderFarm.Benchmarks.Soak;

namespace RenderFarm.Benchmarks.Tests;

/// <summary>The benchmark command's runs, made short: every measure at small sizes, and a one-minute soak.</summary>
public class BenchmarkCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Quick_run_measures_every_figure_and_writes_the_results_file()
    {
        var results = await LoggedRun.RunAsync(output, log => BenchmarkRun.RunAsync(BenchmarkSettings.Quick, log, CancellationToken.None),
            r => r.ToTable());

        var ingest = results.Ingest;
        foreach (var side in new[] { ingest.Ours, ingest.DoNothing, ingest.PushgatewayFastest, ingest.PushgatewayShipped })
        {
            Assert.True(side.Result.Calls > 0, $"{side.Name} took no calls");
            Assert.Equal(0, side.Result.Errors);
        }

        Assert.Equal(BenchmarkSettings.Quick.ScrapeSizes, results.Sizes.Ours.Select(f => f.Instances));
        Assert.Equal(BenchmarkSettings.Quick.ScrapeSizes, results.Sizes.Pushgateway.Select(f => f.Instances));
        Assert.All(results.Sizes.Ours.Concat(results.Sizes.Pushgateway), f => Assert.True(f.Bytes > 0 && f.Median > TimeSpan.Zero));
        // More instances, more text: the sizes must grow with the farm.
        Assert.True(results.Sizes.Ours[^1].Bytes > results.Sizes.Ours[0].Bytes * 5);
        // Asked as Prometheus asks, both sides answer every size, compressed.
        Assert.Equal(BenchmarkSettings.Quick.ScrapeSizes, results.Sizes.OursAsPrometheus.Select(f => f.Instances));
        Assert.Equal(BenchmarkSettings.Quick.ScrapeSizes, results.Sizes.PushgatewayAsPrometheus.Select(f => f.Instances));
        Assert.All(results.Sizes.OursAsPrometheus.Zip(results.Sizes.Ours), f => Assert.True(f.First.Bytes * 3 < f.Second.Bytes,
            $"{f.First.Bytes} bytes compressed from {f.Second.Bytes}"));
        Assert.All(results.Sizes.PushgatewayAsPrometheus.Zip(results.Sizes.Pushgateway), f => Assert.True(f.First.Bytes * 3 < f.Second.Bytes));
        Assert.InRange(results.Sizes.Memory.HeapPerInstance, 1, 64 * 1024);
        Assert.Equal(BenchmarkSettings.Quick.WorstCaseInstances, results.WorstCase.Instances);
        Assert.InRange(results.WorstCase.HeapPerInstance, 1, 64 * 1024);
        Assert.Equal(BenchmarkSettings.Quick.VisibilitySamples, results.Sizes.Visibility.Samples);
        Assert.True(results.Sizes.Visibility.P50 > TimeSpan.Zero);
        Assert.InRange(results.Sizes.Visibility.HeadersP50, TimeSpan.FromTicks(1), results.Sizes.Visibility.Max);
        // The status API walked page by page lists every instance once; the page's poll fetched something.
        Assert.Equal(BenchmarkSettings.Quick.ScrapeSizes[^1], results.Sizes.Status!.Listed);
        Assert.True(results.Sizes.Status.Pages >= 1 && results.Sizes.Status.FirstPageBytes > 0);
        Assert.InRange(results.Sizes.PagePoll!.BytesPerPoll, 1_000, 100_000);
        Assert.Equal(0, results.Expiry.Early);
        Assert.Equal(0, results.Expiry.NeverGone);
        var overhead = Assert.Single(results.Overhead);
        Assert.Equal(BenchmarkSettings.Quick.OverheadRounds, overhead.Rounds.Count);
        Assert.All(overhead.Rounds, r => Assert.True(r.Without.Render > 0 && r.With.Render > 0 && r.With.StartUp > 0 && r.With.Exit > 0));
        Assert.Equal("native gRPC", overhead.Reporting);

        var rows = results.Rows();
        Assert.Contains(rows, r => r.Measure.StartsWith("Ingest reports/s", StringComparison.Ordinal) && r.Reference.Contains("do-nothing", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Measure.StartsWith("Managed heap per instance", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Measure.StartsWith("Resident memory per instance", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Measure.Contains("worst-case strings", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Measure.StartsWith("Visibility", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Measure.StartsWith("Scrape time as Prometheus asks (OpenMetrics, gzip), 1k", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Measure.StartsWith("Expiry", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Measure.StartsWith("Render overhead of the add-on", StringComparison.Ordinal) && r.Target == "≤ 1 %");
        Assert.Contains(rows, r => r.Measure.StartsWith("Start-up and exit cost of the add-on", StringComparison.Ordinal));
        var markdown = results.ToMarkdown("smoke run");
        Assert.Contains("> smoke run", markdown, StringComparison.Ordinal);
        Assert.Contains(results.Machine.Cpu, markdown, StringComparison.Ordinal);
        Assert.Contains(results.Machine.DotNet, markdown, StringComparison.Ordinal);
        Assert.Contains("## What limits each figure", markdown, StringComparison.Ordinal);
        Assert.Contains($"Render overhead, {overhead.Blender}:", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_minute_soak_keeps_memory_flat_expires_every_vanished_instance_and_leaves_nothing()
    {
        var result = await LoggedRun.RunAsync(output, log => SoakRun.RunAsync(SoakSettings.OneMinute, log, CancellationToken.None),
            r => r.Summary());

        Assert.True(result.Churned >= 900, $"only {result.Churned} instances churned");
        Assert.True(result.Counted.Count >= 3, $"{result.Counted.Count} memory readings");
        Assert.Empty(result.Failures());
    }
}
