using RenderFarm.Benchmarks;

namespace RenderFarm.Benchmarks.Tests;

public class ResultsFileTests
{
    [Fact]
    public void Rewriting_the_results_file_keeps_the_hand_kept_long_runs()
    {
        var existing = "# RenderFarm benchmark results\n\nold table\n\n## Long runs\n\n### Soak, 10 minutes\n\n2,010,000 reports\n";

        Assert.Equal("\n## Long runs\n\n### Soak, 10 minutes\n\n2,010,000 reports\n", BenchmarkResults.LongRunsOf(existing));
        Assert.Equal("", BenchmarkResults.LongRunsOf("# RenderFarm benchmark results\n\nold table\n"));
    }

    [Fact]
    public void The_shipped_results_file_has_the_long_soak()
    {
        var shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "tools", "RenderFarm.Benchmarks", "RESULTS.md"));

        Assert.Contains("### Soak, 10 minutes", BenchmarkResults.LongRunsOf(shipped), StringComparison.Ordinal);
    }
}
