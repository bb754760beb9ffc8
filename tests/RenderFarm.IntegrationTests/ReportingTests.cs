using RenderFarm.Contracts.V1;

namespace RenderFarm.IntegrationTests;

public class ReportingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Farm _farm = fixture.Farm;

    [Theory]
    [InlineData("native")]
    [InlineData("grpc-web")]
    public async Task Report_over_each_transport_appears_in_metrics(string transport)
    {
        var host = $"{transport}-node";
        var report = Farm.Report(host, instance: "3", rendering: true);
        report.CurrentFrame = 17;
        report.FramesRendered = 16;
        report.RenderSeconds = 40.5;
        report.LastFrameSeconds = 2.5;
        report.ProcessCpuSeconds = 81.25;
        report.ResidentMemoryBytes = 734_003_200;

        var reply = await (transport == "native" ? _farm.Native : _farm.GrpcWeb).ReportAsync(report);

        Assert.True(reply.Applied);
        var scrape = await _farm.ScrapeAsync();
        (string Family, double Value)[] expected =
        [
            ("Blender_Render", 1), ("blender_current_frame", 17), ("blender_frames_rendered_total", 16),
            ("blender_render_seconds_total", 40.5), ("blender_last_frame_seconds", 2.5),
            ("blender_process_cpu_seconds_total", 81.25), ("blender_process_resident_memory_bytes", 734_003_200),
        ];
        Assert.All(expected, e => Assert.Equal(e.Value, scrape.Instance(e.Family, host, "3")));
        var info = Assert.Single(scrape.Series("blender_instance_info", ("host", host)));
        Assert.Equal("CYCLES", info.Label("engine"));
        var lastSeen = scrape.Instance("blender_instance_last_seen_timestamp_seconds", host, "3")!.Value;
        Assert.InRange(lastSeen, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public async Task Reply_asks_for_the_configured_heartbeat_interval()
    {
        var reply = await _farm.Native.ReportAsync(Farm.Report("heartbeat-node"));

        Assert.Equal(5000u, reply.HeartbeatIntervalMs);
    }

    [Fact]
    public async Task Idle_report_after_rendering_sets_the_gauge_to_zero()
    {
        await _farm.Native.ReportAsync(Farm.Report("toggle-node", sequence: 1, rendering: true));
        await _farm.GrpcWeb.ReportAsync(Farm.Report("toggle-node", sequence: 2, rendering: false));

        var scrape = await _farm.ScrapeAsync();

        Assert.Equal(0, scrape.Instance("Blender_Render", "toggle-node", "0"));
    }

    [Fact]
    public async Task Report_with_a_stale_sequence_is_ignored()
    {
        await _farm.Native.ReportAsync(Farm.Report("stale-node", sequence: 10, rendering: true));

        var reply = await _farm.Native.ReportAsync(Farm.Report("stale-node", sequence: 9, rendering: false));

        Assert.False(reply.Applied);
        var scrape = await _farm.ScrapeAsync();
        Assert.Equal(1, scrape.Instance("Blender_Render", "stale-node", "0"));
    }

    [Fact]
    public async Task Restarted_blender_replaces_its_predecessor_with_a_new_session()
    {
        var old = Farm.Report("restart-node", sequence: 50, session: "before");
        old.FramesRendered = 40;
        await _farm.Native.ReportAsync(old);

        var fresh = Farm.Report("restart-node", sequence: 1, session: "after");
        var reply = await _farm.Native.ReportAsync(fresh);

        Assert.True(reply.Applied);
        var scrape = await _farm.ScrapeAsync();
        Assert.Equal(0, scrape.Instance("blender_frames_rendered_total", "restart-node", "0"));
    }

    [Fact]
    public async Task Late_report_from_a_replaced_blender_does_not_replace_its_successor()
    {
        await _farm.Native.ReportAsync(Farm.Report("restarted", sequence: 100, session: "first-process"));
        await _farm.Native.ReportAsync(Farm.Report("restarted", sequence: 1, session: "second-process", rendering: true));

        var late = await _farm.GrpcWeb.ReportAsync(Farm.Report("restarted", sequence: 101, session: "first-process"));
        var signOff = await _farm.Native.SignOffAsync(new SignOffRequest { Host = "restarted", Instance = "0", SessionId = "first-process" });

        Assert.False(late.Applied);
        Assert.False(signOff.Removed);
        Assert.Equal(1, (await _farm.ScrapeAsync()).Instance("Blender_Render", "restarted", "0"));
    }

    [Fact]
    public async Task Sign_off_removes_the_instance_at_once()
    {
        await _farm.Native.ReportAsync(Farm.Report("signoff-node", instance: "a"));
        await _farm.GrpcWeb.ReportAsync(Farm.Report("signoff-node", instance: "b"));
        var before = (await _farm.ScrapeAsync()).Value("renderfarm_instances_signed_off_total")!.Value;

        var native = await _farm.Native.SignOffAsync(new SignOffRequest { Host = "signoff-node", Instance = "a", SessionId = "session-1" });
        var web = await _farm.GrpcWeb.SignOffAsync(new SignOffRequest { Host = "signoff-node", Instance = "b", SessionId = "session-1" });

        Assert.True(native.Removed);
        Assert.True(web.Removed);
        var scrape = await _farm.ScrapeAsync();
        Assert.DoesNotContain(scrape.Samples, s => s.Label("host") == "signoff-node");
        Assert.Equal(before + 2, scrape.Value("renderfarm_instances_signed_off_total"));
    }

    [Fact]
    public async Task Sign_off_of_an_unknown_instance_removes_nothing()
    {
        var reply = await _farm.Native.SignOffAsync(new SignOffRequest { Host = "nobody", Instance = "0", SessionId = "x" });

        Assert.False(reply.Removed);
    }

    [Fact]
    public async Task Farm_counts_rendering_and_idle_instances()
    {
        var before = await _farm.ScrapeAsync();
        await _farm.Native.ReportAsync(Farm.Report("count-node", instance: "0", rendering: true));
        await _farm.Native.ReportAsync(Farm.Report("count-node", instance: "1", rendering: true));
        await _farm.Native.ReportAsync(Farm.Report("count-node", instance: "2", rendering: false));

        var after = await _farm.ScrapeAsync();

        var rendering = after.Series("Blender_Render").Sum(s => s.Value);
        Assert.Equal(rendering, after.Value("renderfarm_instances", ("state", "rendering")));
        Assert.Equal(after.Series("Blender_Render").Count() - rendering, after.Value("renderfarm_instances", ("state", "idle")));
        Assert.Equal(3, after.Series("Blender_Render").Count() - before.Series("Blender_Render").Count());
    }

    [Fact]
    public async Task Free_text_is_escaped_and_capped_in_the_exposition()
    {
        var report = Farm.Report("text-node");
        report.Engine = "quote\" back\\slash\nnewline ünïcødé 渲染";
        report.BlenderVersion = new string('v', 5000);

        await _farm.Native.ReportAsync(report);

        var info = Assert.Single((await _farm.ScrapeAsync()).Series("blender_instance_info", ("host", "text-node")));
        Assert.Equal(report.Engine, info.Label("engine"));
        Assert.Equal(new string('v', 256), info.Label("blender_version"));
    }

    [Fact]
    public async Task Server_process_metrics_follow_the_farm_metrics()
    {
        var scrape = await _farm.ScrapeAsync();

        Assert.NotNull(scrape.Value("process_cpu_seconds_total"));
        Assert.True(scrape.Value("process_working_set_bytes") > 0);
        Assert.True(scrape.Value("dotnet_total_memory_bytes") > 0);
    }
}
