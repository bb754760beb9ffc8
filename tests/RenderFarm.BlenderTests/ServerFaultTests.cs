using System.Diagnostics;

namespace RenderFarm.BlenderTests;

/// <summary>
/// The server is down when Blender starts, or dies in the middle of a render: the render must
/// not notice (same frames, same exit code, about the same time), and the add-on must report
/// again once the server is back on the same ports.
/// </summary>
public class ServerFaultTests(ITestOutputHelper output)
{
    private const int Frames = 6;
    private const int Samples = 96;
    private static readonly TimeSpan BlenderDeadline = TimeSpan.FromSeconds(120);
    /// <summary>How long the server stays down: the scenario, long enough for the add-on to back off a few steps.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(1.5);

    private static readonly SemaphoreSlim BaselineLock = new(1, 1);
    private static readonly Dictionary<BlenderVersion, double> BaselineSeconds = [];

    [Theory]
    [MemberData(nameof(BlenderVersion.NamesAndTransports), MemberType = typeof(BlenderVersion))]
    public async Task Server_down_at_start_then_up_gets_a_report_within_one_backoff_step_and_the_render_is_untouched(
        string version, string transport)
    {
        var blenderVersion = BlenderVersion.Named(version);
        using var ports = new ReservedPorts();
        var (grpcPort, httpPort) = (ports.Grpc, ports.Http);
        var host = Transport.UniqueHost("late-server");
        await using var blender = await BlenderRun.RenderAsync(blenderVersion, Transport.ServerSetting(grpcPort, httpPort, transport),
            host, output, Frames, Samples, Transport.Environment(transport));
        // The first attempt fails at render_init (Blender's clock, which is this machine's).
        var outageStart = await blender.EventTimeAsync("render_init", BlenderDeadline);
        await Task.Delay(Outage);

        ports.Release();
        await using var server = await ServerProcess.StartOnAsync(grpcPort, httpPort, output);
        using var scraper = new Scraper(server);
        await AssertReportsWithinOneBackoffStepAsync(scraper, host, outageStart, "first report");

        await AssertRenderFinishesUntouchedAsync(blenderVersion, blender, scraper, host);
    }

    [Theory]
    [MemberData(nameof(BlenderVersion.NamesAndTransports), MemberType = typeof(BlenderVersion))]
    public async Task Server_killed_mid_render_and_restarted_gets_reports_again_and_the_render_is_untouched(
        string version, string transport)
    {
        var blenderVersion = BlenderVersion.Named(version);
        var server = await ServerProcess.StartAsync(output: output);
        var (grpcPort, httpPort) = (server.GrpcPort, server.HttpPort);
        var host = Transport.UniqueHost("server-killed");
        await using var blender = await BlenderRun.RenderAsync(blenderVersion, Transport.ServerSetting(server, transport), host,
            output, Frames, Samples, Transport.Environment(transport));
        try
        {
            using var first = new Scraper(server);
            await first.UntilAsync(s => s.Instance("blender_frames_rendered_total", host, "0") >= 1, BlenderDeadline,
                "a frame rendered");
            server.Kill();
        }
        finally
        {
            await server.DisposeAsync();
        }

        var outageStart = UnixSeconds();
        await Task.Delay(Outage);
        await using var restarted = await ServerProcess.StartOnAsync(grpcPort, httpPort, output);
        using var scraper = new Scraper(restarted);
        await AssertReportsWithinOneBackoffStepAsync(scraper, host, outageStart, "report after restart");

        await AssertRenderFinishesUntouchedAsync(blenderVersion, blender, scraper, host);
    }

    /// <summary>
    /// Attempts back off in doubling steps, each drawn from the upper half of its range, so the step
    /// pending when the server comes back is at most twice the outage so far plus the first step
    /// (0.5 s). The bound follows the outage as measured: a loaded machine that takes longer to start
    /// the server lengthens the outage and with it the step. Waiting on grpcio's own reconnect backoff
    /// (up to two minutes) or the 30 s ceiling after a short outage fails this.
    /// </summary>
    private async Task AssertReportsWithinOneBackoffStepAsync(Scraper scraper, string host, double outageStart, string what)
    {
        var outage = UnixSeconds() - outageStart;
        var serverUp = Stopwatch.StartNew();
        await scraper.UntilAsync(s => s.Instance("Blender_Render", host, "0") is not null, TimeSpan.FromSeconds(30), what);
        var bound = TimeSpan.FromSeconds((2 * outage) + 0.5 + 1.0); // + 1 s for the call itself and the scrape
        output.WriteLine($"{what} {serverUp.ElapsedMilliseconds} ms after the server was up, after an outage of {outage:F1} s " +
            $"(bound {bound.TotalSeconds:F1} s)");
        Assert.InRange(serverUp.Elapsed, TimeSpan.Zero, bound);
    }

    private static double UnixSeconds() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private async Task AssertRenderFinishesUntouchedAsync(BlenderVersion version, BlenderRun blender, Scraper scraper, string host)
    {
        var renderInit = await blender.EventTimeAsync("render_init", BlenderDeadline);
        var renderComplete = await blender.EventTimeAsync("render_complete", BlenderDeadline);
        await scraper.UntilAsync(s => s.Instance("Blender_Render", host, "0") == 0
            && s.Instance("blender_frames_rendered_total", host, "0") == Frames, TimeSpan.FromSeconds(5), "idle with every frame");
        Assert.Equal(Frames, blender.RenderedFrames().Length);
        Assert.Equal(0, await blender.ReleaseAsync(BlenderDeadline));
        Assert.Empty((await scraper.ScrapeAsync()).OfInstances(host));

        var duration = renderComplete - renderInit;
        var baseline = await BaselineRenderSecondsAsync(version);
        output.WriteLine($"render took {duration:F2} s with the fault, {baseline:F2} s without a server to talk to");
        // Restarting the server competes for the same two cores, and the baseline was measured once, under
        // whatever load the machine had then: hence the wide slack. A main thread waiting on the network
        // would still fail this by far: a call timeout (5 s) per report, two reports a frame, six frames.
        Assert.InRange(duration, 0, (baseline * 1.5) + 5);

        // One line when the trouble started and one when it ended, however many attempts.
        var lines = blender.AddonLines();
        Assert.Single(lines, l => l.Contains("cannot reach the server", StringComparison.Ordinal));
        // Whole lines in the farm's log, never glued to Blender's own progress output.
        Assert.Empty(blender.GluedAddonLines());
        Assert.Single(lines, l => l.Contains("again (after", StringComparison.Ordinal));
    }

    /// <summary>
    /// The same render with reporting switched off by a bad setting: what the render costs on its own.
    /// Measured once for the class, on the same machine under the same load as the faults.
    /// </summary>
    private async Task<double> BaselineRenderSecondsAsync(BlenderVersion version)
    {
        await BaselineLock.WaitAsync();
        try
        {
            if (!BaselineSeconds.TryGetValue(version, out var seconds))
            {
                BaselineSeconds[version] = seconds = await MeasureBaselineAsync(version);
            }

            return seconds;
        }
        finally
        {
            BaselineLock.Release();
        }
    }

    private async Task<double> MeasureBaselineAsync(BlenderVersion version)
    {
        await using var blender = await BlenderRun.RenderAsync(version, "ftp://nowhere", Transport.UniqueHost("baseline"), output,
            Frames, Samples);
        var init = await blender.EventTimeAsync("render_init", BlenderDeadline);
        var complete = await blender.EventTimeAsync("render_complete", BlenderDeadline);
        Assert.Equal(0, await blender.ReleaseAsync(BlenderDeadline));
        Assert.Contains(blender.AddonLines(), l => l.Contains("RENDERFARM_SERVER", StringComparison.Ordinal));
        return complete - init;
    }
}
