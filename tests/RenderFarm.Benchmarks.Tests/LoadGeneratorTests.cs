using RenderFarm.LoadGenerator;

namespace RenderFarm.Benchmarks.Tests;

public class LoadGeneratorTests(ITestOutputHelper output)
{
    private static readonly LoadSettings Short = new()
    {
        Instances = 200,
        Concurrency = 16,
        Warmup = TimeSpan.FromMilliseconds(200),
        Duration = TimeSpan.FromMilliseconds(800),
        ChurnRate = 0,
    };

    [Theory]
    [InlineData(Transport.Grpc)]
    [InlineData(Transport.GrpcWeb)]
    public async Task Load_reports_every_instance_without_errors(Transport transport)
    {
        await using var server = await ServerProcess.StartAsync(output: output);
        var address = new ServerAddress(transport == Transport.Grpc ? server.GrpcAddress : server.HttpAddress, transport);
        await using var target = new ReporterTarget(address, connections: 2);
        var farm = FarmLoad.CreateFarm(Short.Instances);

        var result = await FarmLoad.RunAsync(target, farm, Short, CancellationToken.None);

        output.WriteLine(result.ToString());
        Assert.Equal(0, result.Errors);
        Assert.True(result.Calls > 0, "no call was measured after the instances reported once");
        Assert.InRange(result.P50, TimeSpan.FromTicks(1), result.P99);
        var scrape = await ScrapeAsync(server);
        Assert.Equal(Short.Instances, scrape.Series("Blender_Render").Count());
        Assert.Equal(Short.Instances, scrape.Series("renderfarm_instances").Sum(s => s.Value));
        var last = farm[^1];
        Assert.Equal(last.CurrentFrame, scrape.Instance("blender_current_frame", last.Host, last.Instance));
        Assert.Equal(last.Rendering ? 1 : 0, scrape.Instance("Blender_Render", last.Host, last.Instance));
    }

    [Fact]
    public async Task Churn_signs_instances_off_and_their_next_report_starts_a_new_session()
    {
        await using var server = await ServerProcess.StartAsync(output: output);
        await using var target = new ReporterTarget(new ServerAddress(server.GrpcAddress, Transport.Grpc));
        var farm = FarmLoad.CreateFarm(50);

        var result = await FarmLoad.RunAsync(target, farm, Short with { Instances = 50, ChurnRate = 0.2 }, CancellationToken.None);

        Assert.Equal(0, result.Errors);
        var scrape = await ScrapeAsync(server);
        Assert.True(scrape.Value("renderfarm_instances_signed_off_total") > 10);
        // Whoever signed off last is away until its next report; everyone else is held.
        Assert.Equal(farm.Count(i => !i.SignedOff), scrape.Series("Blender_Render").Count());
    }

    [Fact]
    public async Task Simulated_farm_renders_frames_and_its_crashed_instances_expire()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:InstanceTtl"] = "00:00:00.3",
            ["RenderFarm:HeartbeatInterval"] = "00:00:00.1",
        }, output);
        await using var target = new ReporterTarget(new ServerAddress(server.GrpcAddress, Transport.Grpc));
        using var stop = new CancellationTokenSource();
        var settings = new SimulationSettings { Instances = 12, Speed = 100, CrashRate = 0.2, ExitRate = 0.5, Seed = 7 };
        var log = new StringWriter();

        var simulation = FarmSimulation.RunAsync(target, settings, log, TimeProvider.System, stop.Token);
        Exposition? scrape = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            scrape = await ScrapeAsync(server);
            if (scrape.Value("renderfarm_instances_expired_total") > 0 && scrape.Value("renderfarm_instances_signed_off_total") > 0
                && scrape.Series("blender_frames_rendered_total").Any(s => s.Value > 0))
            {
                break;
            }

            await Task.Delay(100);
        }

        await stop.CancelAsync();
        var summary = await simulation;
        output.WriteLine(log.ToString());
        Assert.NotNull(scrape);
        Assert.True(scrape.Value("renderfarm_instances_expired_total") > 0, "no crashed instance expired");
        Assert.True(scrape.Value("renderfarm_instances_signed_off_total") > 0, "no instance signed off");
        Assert.Contains(scrape.Series("blender_frames_rendered_total"), s => s.Value > 0);
        Assert.True(summary.Crashes > 0 && summary.Exits > 0 && summary.Frames > 0, summary.ToString());
        Assert.Equal(0, summary.FailedCalls);
        Assert.Contains("crashed on frame", log.ToString(), StringComparison.Ordinal);
    }

    private static async Task<Exposition> ScrapeAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        return Exposition.Parse(await http.GetStringAsync("/metrics"));
    }
}
