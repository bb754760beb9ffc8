using RenderFarm.Contracts.V1;

namespace RenderFarm.IntegrationTests;

/// <summary>
/// The table of hosts whose frame times outlive their Blender processes, attacked the way a token scoped to some hosts
/// can: report and sign off under ever new host names, to fill the table and push other hosts' histograms out.
/// </summary>
public sealed class HostTableTests(ITestOutputHelper output) : IDisposable
{
    private const int MaxInstances = 40;

    private readonly string _directory = Directory.CreateTempSubdirectory("renderfarm-hosts-").FullName;

    [Fact]
    public async Task A_wildcard_token_churning_host_names_pushes_out_no_host_of_another_token()
    {
        var tokensFile = Path.Combine(_directory, "tokens");
        await File.WriteAllLinesAsync(tokensFile, ["churn-token render-*", "node-a-token node-a", "node-b-token node-b"]);
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:TokensFile", tokensFile),
            ("RenderFarm:MaxInstances", MaxInstances.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var nodeA = Farm.Bearer("node-a-token");
        var churn = Farm.Bearer("churn-token");

        // node-b renders 4 frames and its Blender exits: its host is between two tasks while the churn runs.
        await farm.Native.ReportAsync(Frames("node-b", "b", 1, 4), Farm.Bearer("node-b-token"));
        await farm.Native.SignOffAsync(new SignOffRequest { Host = "node-b", Instance = "0", SessionId = "b" }, Farm.Bearer("node-b-token"));

        ulong frames = 0;
        for (var n = 0; n < 2000; n++)
        {
            var name = $"render-{n}";
            await farm.Native.ReportAsync(Frames(name, "x", 1, 1), churn);
            await farm.Native.SignOffAsync(new SignOffRequest { Host = name, Instance = "0", SessionId = "x" }, churn);
            if (n % 200 == 100)
            {
                // node-a's Blender starts mid-churn and renders a frame now and then.
                Assert.True((await farm.Native.ReportAsync(Frames("node-a", "a", (ulong)n, ++frames), nodeA)).Applied);
            }
        }

        var scrape = await farm.ScrapeAsync();
        var hosts = scrape.Series("blender_frame_render_seconds_count").Select(s => s.Label("host")).ToList();
        output.WriteLine($"{hosts.Count} hosts listed after 2,000 churned names: node-a {scrape.Value("blender_frame_render_seconds_count", ("host", "node-a"))}, " +
            $"node-b {scrape.Value("blender_frame_render_seconds_count", ("host", "node-b"))}");
        Assert.Equal(MaxInstances, hosts.Count);
        Assert.Equal(frames, scrape.Value("blender_frame_render_seconds_count", ("host", "node-a")));
        Assert.Equal(4, scrape.Value("blender_frame_render_seconds_count", ("host", "node-b")));
        // The churned names go oldest first: the newest are listed.
        Assert.Contains("render-1999", hosts);
        Assert.DoesNotContain("render-0", hosts);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ReportRequest Frames(string host, string session, ulong sequence, ulong frames)
    {
        var report = Farm.Report(host, session: session, sequence: sequence, rendering: true);
        report.FrameSecondsCounts.AddRange([frames, .. new ulong[12]]);
        report.FrameSecondsSum = frames * 0.5;
        report.FramesRendered = frames;
        report.RenderSeconds = frames * 0.5;
        return report;
    }
}
