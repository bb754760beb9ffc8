namespace RenderFarm.BlenderTests;

public class RenderReportingTests(ITestOutputHelper output)
{
    private const int Frames = 3;
    private static readonly TimeSpan BlenderDeadline = TimeSpan.FromSeconds(90);

    /// <remarks>Started as render managers start Blender: on 4.2+ that means online access off, and a
    /// server on loopback is still reported to.</remarks>
    [Theory]
    [MemberData(nameof(BlenderVersion.NamesAndTransports), MemberType = typeof(BlenderVersion))]
    public async Task Background_render_shows_rendering_within_a_second_then_idle_with_its_frames_and_signs_off_on_exit(
        string version, string transport)
    {
        var blenderVersion = BlenderVersion.Named(version);
        await using var server = await ServerProcess.StartAsync(output: output);
        using var scraper = new Scraper(server);
        var host = Transport.UniqueHost("render");
        await using var blender = await BlenderRun.RenderAsync(blenderVersion, Transport.ServerSetting(server, transport), host,
            output, Frames, environment: Transport.Environment(transport));

        await scraper.UntilAsync(s => s.Instance("Blender_Render", host, "0") == 1, BlenderDeadline, "rendering");
        var seenRendering = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var renderInit = await blender.EventTimeAsync("render_init", TimeSpan.FromSeconds(10));
        var latency = seenRendering - renderInit;
        output.WriteLine($"Blender_Render 1 on /metrics {latency * 1000:F0} ms after render_init ({blenderVersion}, {transport})");
        Assert.InRange(latency, -0.1, 1.0);

        await blender.WaitForLineAsync(l => l == "renderfarm-test: waiting", BlenderDeadline);
        var idle = await scraper.UntilAsync(s => s.Instance("Blender_Render", host, "0") == 0, TimeSpan.FromSeconds(2), "idle");
        Assert.Equal(Frames, blender.RenderedFrames().Length);
        Assert.Equal(Frames, idle.Instance("blender_frames_rendered_total", host, "0"));
        // Blender puts the scene back on its current frame when the animation job ends.
        Assert.Equal(1, idle.Instance("blender_current_frame", host, "0"));
        Assert.InRange(idle.Instance("blender_render_seconds_total", host, "0") ?? -1, 0.001, 600);
        Assert.InRange(idle.Instance("blender_last_frame_seconds", host, "0") ?? -1, 0.001, 600);
        Assert.InRange(idle.Instance("blender_process_cpu_seconds_total", host, "0") ?? -1, 0.01, 3600);
        Assert.InRange(idle.Instance("blender_process_resident_memory_bytes", host, "0") ?? -1, 10e6, 100e9);
        var info = Assert.Single(idle.Series("blender_instance_info", ("host", host), ("instance", "0")));
        Assert.StartsWith(version + ".", info.Label("blender_version"));
        Assert.Equal(("1.0.0", "CYCLES"), (info.Label("addon_version"), info.Label("engine")));

        Assert.Equal(0, await blender.ReleaseAsync(BlenderDeadline));
        var gone = await scraper.ScrapeAsync();
        Assert.Empty(gone.OfInstances(host));
        Assert.Equal(1, gone.Value("renderfarm_instances_signed_off_total"));
        Assert.Equal(0, gone.Value("renderfarm_instances_expired_total"));
        Assert.DoesNotContain(blender.AddonLines(), l => l.Contains("cannot reach", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BlenderVersion.NamesAndTransports), MemberType = typeof(BlenderVersion))]
    public async Task Blender_killed_with_sigkill_is_gone_within_ttl_plus_one_second(string version, string transport)
    {
        var ttl = TimeSpan.FromSeconds(2);
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:InstanceTtl"] = "00:00:02",
            ["RenderFarm:HeartbeatInterval"] = "00:00:00.5",
        }, output);
        using var scraper = new Scraper(server);
        var host = Transport.UniqueHost("killed");
        await using var blender = await BlenderRun.IdleAsync(BlenderVersion.Named(version), Transport.ServerSetting(server, transport),
            host, output, Transport.Environment(transport));

        await scraper.UntilAsync(s => s.Instance("Blender_Render", host, "0") == 0, BlenderDeadline, "idle instance");
        blender.Kill();
        var killed = System.Diagnostics.Stopwatch.StartNew();
        var scrape = await scraper.UntilAsync(s => s.Instance("Blender_Render", host, "0") is null,
            ttl + TimeSpan.FromSeconds(2), "instance gone");
        output.WriteLine($"gone {killed.Elapsed.TotalMilliseconds:F0} ms after SIGKILL (TTL {ttl.TotalMilliseconds} ms)");
        Assert.InRange(killed.Elapsed, TimeSpan.Zero, ttl + TimeSpan.FromSeconds(1));
        Assert.Empty(scrape.OfInstances(host));
        Assert.Equal(1, scrape.Value("renderfarm_instances_expired_total"));
        Assert.Equal(0, scrape.Value("renderfarm_instances_signed_off_total"));
    }
}
