using System.Diagnostics;

namespace RenderFarm.IntegrationTests;

public class PromtoolTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Farm _farm = fixture.Farm;

    [Fact]
    public async Task Scrape_with_instances_reporting_passes_promtool_check_metrics()
    {
        for (var i = 0; i < 5; i++)
        {
            var report = Farm.Report($"promtool-node{i}", rendering: i % 2 == 0);
            report.Engine = "odd \"engine\" \\ with\nnewline ü";
            report.LastFrameSeconds = 1.25 * i;
            report.ResidentMemoryBytes = 1_000_000UL * (ulong)i;
            await _farm.Native.ReportAsync(report);
        }

        var text = await _farm.ScrapeTextAsync();
        Assert.Equal(5, Exposition.Parse(text).Series("Blender_Render").Count(s => s.Label("host").StartsWith("promtool-node", StringComparison.Ordinal)));

        var (exitCode, output) = await Tools.RunAsync("promtool", ["check", "metrics"], stdin: text);

        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}");
    }
}
