using System.Diagnostics;
using RenderFarm.Testing;
using Xunit.Abstractions;

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
    private static readonly SemaphoreSlim BaselineLock = new(1, 1);
    private static readonly Dictionary<BlenderVersion, double> BaselineSeconds = [];

    [Theory]
    [MemberData(nameof(BlenderVersion.NamesAndTransports), MemberType = typeof(BlenderVersion))]
    public async Task Server_down_at_start_then_up_gets_a_report_within_one_backoff_step_and_the_render_is_untouched(
        string version, string transport)
    {
        var blenderVersion = BlenderVersion.Named(version);
        var (grpcPort, httpPort) = await ServerProcess.FreePortsAsync();
        var host = Transport.UniqueHost("late-server");
        await using var blender = await BlenderRun.RenderAsync(blenderVersion, Transport.ServerSetting(grpcPort, httpPort, transport),
            host, output, Frames, Samples, Transport.Environment(transport));
        await blender.EventTimeAsync("render_init", BlenderDeadline);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await using var server = await ServerProcess.StartOnAsync(grpcPort, httpPort, output);
        using var scraper = new Scraper(server);
        var serverUp = Stopwatch.StartNew();
        await scraper.UntilAsync(s => s.Instance("Blender_Render", host, "0") is not null, TimeSpan.FromSeconds(10), "first report");
        output.WriteLine($"first report {serverUp.ElapsedMilliseconds} ms after the server was up");
        // The outage so far was about 2 s: the backoff step then is at most 2 s.
        Assert.InRange(serverUp.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));

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

        await Task.Delay(TimeSpan.FromSeconds(1));
        await using var restarted = await ServerProcess.StartOnAsync(grpcPort, httpPort, output);
        using var scraper = new Scraper(restarted);
        var serverUp = Stopwatch.StartNew();
        await scraper.UntilAsync(s => s.Instance("Blender_Render", host, "0") is not null, TimeSpan.FromSeconds(10), "report after restart");
        output.WriteLine($"reporting again {serverUp.ElapsedMilliseconds} ms after the restarted server was up");
        Assert.InRange(serverUp.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));

        await AssertRenderFinishesUntouchedAsync(blenderVersion, blender, scraper, host);
    }

    private async Task AssertRenderFinishesUntouchedAsync(BlenderVersion version, BlenderRun blender, Scraper scraper, string host)
    {
        var renderInit = await blender.EventTimeAsync("render_init", BlenderDeadline);
        var renderComplete = await blender.EventTimeAsync("render_complete", BlenderDeadline);
        await scraper.UntilAsync(s => s.Instance("Blender_Render", host, "0") == 0
            && s.Instance("blender_frames_rendered_total", host, "0") == Frames, TimeSpan.FromSeconds(5), "idle with every frame");
        Assert.Equal(Frames, blender.RenderedFrames().Length);
        Assert.Equal(0, await blender.ReleaseAsync(BlenderDeadline));
        Assert.DoesNotContain((await scraper.ScrapeAsync()).Samples, s => s.Label("host") == host);

        var duration = renderComplete - renderInit;
        var baseline = await BaselineRenderSecondsAsync(version);
        output.WriteLine($"render took {duration:F2} s with the fault, {baseline:F2} s without a server to talk to");
        // Restarting the server competes for the same two cores, hence the slack; a main thread
        // waiting on the network would cost a call timeout (5 s) per report and fail this.
        Assert.InRange(duration, 0, (baseline * 1.25) + 3);

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
