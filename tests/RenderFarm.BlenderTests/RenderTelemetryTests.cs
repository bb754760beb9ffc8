using System.Globalization;
using System.Text.Json.Nodes;

namespace RenderFarm.BlenderTests;

/// <summary>
/// What render wranglers see, end to end with the real things: Blender → server → Prometheus 2.42 and 3.5 with the
/// shipped rules → Alertmanager → a webhook. Seven Blenders per version: one renders its job to the end and exits
/// (frame times, peak memory, device, samples, job, outcome), one is cancelled mid-render with Ctrl-C and exits
/// cleanly, one is killed mid-render (a lost render: RenderFarmRenderLost names it), one is killed idle (an idle
/// expiry: never RenderFarmRenderLost), and one renders into a folder it cannot write to, so Blender gives up after
/// its first frame and exits 1 (a failed render: RenderFarmRenderFailed names it and the file it could not save);
/// and two with RenderFarm:StallAfter at 3 s: one whose main thread blocks in a handler as frame 2 starts (stalled,
/// RenderFarmRenderStalled, then not once it goes on), one slow frame that samples all along (never stalled).
/// </summary>
public class RenderTelemetryTests(ITestOutputHelper output)
{
    private const int CompletedFrames = 2;
    private const int Samples = 16;
    private const string Job = "shot010_lighting v3";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(3);
    private const int HangSeconds = 15;
    private const int SlowSamples = 2000;

    [Theory]
    [MemberData(nameof(BlenderVersion.Names), MemberType = typeof(BlenderVersion))]
    public async Task A_render_killed_mid_frame_reaches_alertmanager_by_name_and_a_clean_exit_or_idle_expiry_does_not(string version)
    {
        var blenderVersion = BlenderVersion.Named(version);
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:InstanceTtl"] = Ttl.ToString("c", CultureInfo.InvariantCulture),
            ["RenderFarm:HeartbeatInterval"] = "00:00:01",
            ["RenderFarm:StallAfter"] = StallAfter.ToString("c", CultureInfo.InvariantCulture),
        }, output);
        await using var monitoring = await FarmMonitoring.StartAsync(server, output);
        using var scraper = new Scraper(server);
        var setting = Transport.ServerSetting(server, Transport.GrpcWeb);
        var environment = new Dictionary<string, string>(Transport.Environment(Transport.GrpcWeb)) { ["RENDERFARM_JOB"] = Job };
        var (completed, cancelled, killed, idle, failed) = (Transport.UniqueHost("completed"), Transport.UniqueHost("cancelled"),
            Transport.UniqueHost("killed"), Transport.UniqueHost("idle"), Transport.UniqueHost("failed"));
        var (hung, slow) = (Transport.UniqueHost("hung"), Transport.UniqueHost("slow"));

        await using var completing = await BlenderRun.RenderAsync(blenderVersion, setting, completed, output, CompletedFrames, Samples, environment);
        await using var cancelling = await BlenderRun.RenderAsync(blenderVersion, setting, cancelled, output, 500, Samples, environment);
        await using var dying = await BlenderRun.RenderAsync(blenderVersion, setting, killed, output, 500, Samples, environment);
        await using var idling = await BlenderRun.IdleAsync(blenderVersion, setting, idle, output, environment);
        // /proc/self takes no new file, from root either, in every Debian root as here: Blender cannot save frame 1.
        await using var failing = await BlenderRun.RenderAndExitAsync(blenderVersion, setting, failed, output, 3, Samples,
            new Dictionary<string, string>(environment) { ["RENDERFARM_TEST_OUTPUT"] = UnwritableFolder });
        // Its main thread blocks in a handler as frame 2 starts, for HangSeconds, then goes on: a hung frame that comes back.
        await using var hanging = await BlenderRun.RenderAsync(blenderVersion, setting, hung, output, 3, Samples,
            new Dictionary<string, string>(environment) { ["RENDERFARM_TEST_HANG_FRAME"] = "2", ["RENDERFARM_TEST_HANG_SECONDS"] = $"{HangSeconds}" });
        // One frame far longer than StallAfter that samples all along: slow, never stalled.
        await using var sampling = await BlenderRun.RenderAsync(blenderVersion, setting, slow, output, 1, SlowSamples, environment);
        // When it exits, taken as it happens: the fault-to-alert time is measured from there.
        var failingExit = failing.WaitForExitAsync(Deadline).ContinueWith(exit => (Code: exit.Result, At: DateTimeOffset.UtcNow),
            TaskScheduler.Default);

        // First, while its main thread is blocked: the hung frame, and the slow one beside it.
        await AssertHungFrameIsStalledAsync(monitoring, scraper, hanging, hung, slow);

        // Mid-render, a frame or more done: one is cancelled (Ctrl-C), one dies.
        await scraper.UntilAsync(s => s.Instance("blender_frames_rendered_total", cancelled, "0") >= 1
            && s.Instance("blender_frames_rendered_total", killed, "0") >= 1
            && s.Instance("Blender_Render", idle, "0") == 0, Deadline, "two renders a frame in, one Blender idle");
        // Progress inside the frame under way, by the server's clock: started at most a few seconds ago and shown progress
        // since; its share done where Blender tells its samples (4.x and 5.x pass Cycles' stats text, 3.x passes none).
        var progress = await scraper.UntilAsync(s => s.Instance("blender_frame_started_timestamp_seconds", killed, "0") is not null
            && (!blenderVersion.IsExtension || s.Instance("blender_frame_progress", killed, "0") is not null), Deadline, "progress in a frame");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var frameStarted = progress.Instance("blender_frame_started_timestamp_seconds", killed, "0") ?? -1;
        var progressAt = progress.Instance("blender_render_progress_timestamp_seconds", killed, "0") ?? -1;
        output.WriteLine($"{blenderVersion}: frame under way started {now - frameStarted:F2} s ago, progress {now - progressAt:F2} s ago, "
            + $"share done {progress.Instance("blender_frame_progress", killed, "0")?.ToString(CultureInfo.InvariantCulture) ?? "not told"}");
        Assert.InRange(frameStarted, now - 10, progressAt);
        Assert.InRange(progressAt, frameStarted, now + 1);
        if (blenderVersion.IsExtension)
        {
            Assert.InRange(progress.Instance("blender_frame_progress", killed, "0") ?? -1, 0, 1);
        }
        else
        {
            Assert.Null(progress.Instance("blender_frame_progress", killed, "0"));
        }

        // The jobs table shows jobs being rendered, and the frame-time panels frames being finished (rate() needs the
        // counts to grow while Prometheus watches, as they do here, mid-render): now, in both Prometheus versions.
        await AssertPanelsShowDataAsync(monitoring, RenderingPanels);
        var frameBeforeDeath = (await scraper.ScrapeAsync()).Instance("blender_current_frame", killed, "0");
        cancelling.Interrupt();
        dying.Kill();
        idling.Kill();
        var killedAt = DateTimeOffset.UtcNow;

        // The finished job: its frames, their times and memory, how it rendered, for which job, and how it ended.
        await completing.WaitForLineAsync(l => l == "renderfarm-test: waiting", Deadline);
        await cancelling.WaitForLineAsync(l => l == "renderfarm-test: waiting", Deadline);
        var ended = await scraper.UntilAsync(s => s.Value("blender_renders_total", ("host", completed), ("outcome", "completed")) == 1
            && s.Value("blender_renders_total", ("host", cancelled), ("outcome", "cancelled")) == 1, TimeSpan.FromSeconds(10), "both outcomes");
        AssertTelemetryOfTheCompletedJob(ended, completed);
        // The dashboard's panels on this data, in both Prometheus versions, while the two instances still report.
        await AssertPanelsShowDataAsync(monitoring, NewPanels.Except(RenderingPanels).Except(["Lost renders", "Failed renders"]));
        Assert.Equal(0, ended.Value("blender_renders_total", ("host", cancelled), ("outcome", "completed")));
        Assert.Equal(0, await completing.ReleaseAsync(Deadline));
        // Blender exits with 1 after a cancelled render; it still exits as it should, signing off.
        Assert.InRange(await cancelling.ReleaseAsync(Deadline), 0, 1);
        var signedOff = await scraper.ScrapeAsync();
        // The instances went with their sign-off; their hosts' frame times stay, for the next task's Blender to add to.
        Assert.DoesNotContain(signedOff.Samples, s => s.Label("instance") != "" && s.Label("host") is var h && (h == completed || h == cancelled));
        AssertHostFrameTimes(signedOff, completed);
        // Completed: the job above, and the hung and the slow render, which ended before (see AssertHungFrameIsStalledAsync).
        Assert.Equal((3, 1), (signedOff.Value("renderfarm_renders_total", ("outcome", "completed")),
            signedOff.Value("renderfarm_renders_total", ("outcome", "cancelled"))));

        // The server tells the lost render (the killed one, at the frame it was on) from the rest.
        var lost = await UntilLostRendersAsync(server, Deadline);
        var entry = Assert.Single(lost)!;
        Assert.Equal((killed, "0", Job), (entry["host"]!.ToString(), entry["instance"]!.ToString(), entry["renderJob"]!.ToString()));
        var dyingFrame = entry["frame"]!.GetValue<int>();
        Assert.InRange(dyingFrame, frameBeforeDeath ?? 1, (frameBeforeDeath ?? 1) + 1);

        // Its name, frame and file reach Alertmanager from both Prometheus versions.
        foreach (var (prometheus, _) in FarmMonitoring.PrometheusVersions)
        {
            var alert = await monitoring.Webhook.UntilFiringAsync("RenderFarmRenderLost",
                a => a["labels"]?["prometheus"]?.ToString() == prometheus, Deadline, monitoring.Logs);
            var after = DateTimeOffset.UtcNow - killedAt;
            output.WriteLine($"Prometheus {prometheus}: RenderFarmRenderLost received {after.TotalSeconds:F1} s after SIGKILL: {alert.ToJsonString()}");
            Assert.Equal(killed, alert["labels"]!["host"]!.ToString());
            Assert.Equal("0", alert["labels"]!["instance"]!.ToString());
            Assert.Equal("critical", alert["labels"]!["severity"]!.ToString());
            var description = alert["annotations"]!["description"]!.ToString();
            Assert.Contains($"frame {dyingFrame}", description, StringComparison.Ordinal);
            Assert.Contains(Job, description, StringComparison.Ordinal);
            Assert.Contains("an unsaved file", description, StringComparison.Ordinal); // the test's scene was never saved
        }

        await AssertPanelsShowDataAsync(monitoring, ["Lost renders"]);
        await AssertFailedRenderAsync(server, monitoring, failing, await failingExit, failed);

        // The idle instance that expired and the two clean exits are no lost renders; the lower-severity alert covers the idle expiry; RenderFarmRenderLost never names the others.
        await monitoring.Webhook.UntilFiringAsync("RenderFarmInstanceLost", _ => true, Deadline, monitoring.Logs);
        await Task.Delay(TimeSpan.FromSeconds(3)); // two more evaluations and notifications
        Assert.All(monitoring.Webhook.Firing("RenderFarmRenderLost"), a => Assert.Equal(killed, a["labels"]!["host"]!.ToString()));
        Assert.Single(await UntilLostRendersAsync(server, TimeSpan.Zero));

        // Both Prometheus versions scraped with their default protocols: OpenMetrics, gzip-compressed (the test's own
        // scrapes ask for neither and get the classic text).
        var scrapes = await scraper.ScrapeAsync();
        double Scrapes(string format, string encoding) => scrapes.Value("renderfarm_scrapes_total", ("format", format), ("encoding", encoding)) ?? -1;
        output.WriteLine($"scrapes: openmetrics/gzip {Scrapes("openmetrics", "gzip")}, text/identity {Scrapes("text", "identity")}");
        Assert.True(Scrapes("openmetrics", "gzip") >= 4, $"{Scrapes("openmetrics", "gzip")} OpenMetrics scrapes with gzip");
        Assert.Equal((0, 0), (Scrapes("text", "gzip"), Scrapes("openmetrics", "identity")));
    }

    private const string UnwritableFolder = "/proc/self";

    /// <summary>The hung frame: stalled on /metrics and in the status API once StallAfter passes without progress, alerted by
    /// name from both Prometheus versions, and no longer once Blender goes on; the slow frame that samples is never stalled.</summary>
    private async Task AssertHungFrameIsStalledAsync(FarmMonitoring monitoring, Scraper scraper, BlenderRun hanging, string hung, string slow)
    {
        var hungAt = DateTimeOffset.FromUnixTimeMilliseconds((long)(await hanging.EventTimeAsync("hang", Deadline) * 1000));
        var slowStalled = new List<double>();
        var stalled = await scraper.UntilAsync(s =>
        {
            if (s.Instance("blender_render_stalled", slow, "0") is { } slowValue)
            {
                slowStalled.Add(slowValue);
            }

            return s.Instance("blender_render_stalled", hung, "0") == 1;
        }, Deadline, "the hung frame stalled");
        output.WriteLine($"stalled on /metrics {(DateTimeOffset.UtcNow - hungAt).TotalSeconds:F1} s after the main thread blocked (StallAfter {StallAfter.TotalSeconds} s)");
        Assert.Equal(1, stalled.Instance("Blender_Render", hung, "0")); // present and rendering all along
        // Blocked as frame 2 starts: before the add-on's own render_pre ran (frame 1 is the last it saw end) or after it.
        var hungFrame = stalled.Instance("blender_current_frame", hung, "0");
        Assert.InRange(hungFrame ?? -1, 1, 2);
        foreach (var (prometheus, _) in FarmMonitoring.PrometheusVersions)
        {
            var alert = await monitoring.Webhook.UntilFiringAsync("RenderFarmRenderStalled",
                a => a["labels"]?["prometheus"]?.ToString() == prometheus && a["labels"]?["host"]?.ToString() == hung, Deadline, monitoring.Logs);
            output.WriteLine($"Prometheus {prometheus}: RenderFarmRenderStalled received {(monitoring.Webhook.ReceivedAt(alert) - hungAt).TotalSeconds:F1} s "
                + $"after the main thread blocked: {alert.ToJsonString()}");
            Assert.Equal(("0", "warning", Job), (alert["labels"]!["instance"]!.ToString(), alert["labels"]!["severity"]!.ToString(),
                alert["labels"]!["render_job"]!.ToString()));
            Assert.Contains($"Frame {hungFrame} of an unsaved file (job {Job})", alert["annotations"]!["description"]!.ToString(), StringComparison.Ordinal);
        }

        // Blender goes on: the frame shows progress again and is no longer stalled.
        await hanging.EventTimeAsync("unhang", Deadline);
        await scraper.UntilAsync(s => s.Instance("blender_render_stalled", hung, "0") is null or 0, Deadline, "the hung frame moving again");
        // The slow frame ran past StallAfter sampling all along, and was never stalled.
        var slowDone = await scraper.UntilAsync(s =>
        {
            if (s.Instance("blender_render_stalled", slow, "0") is { } slowValue)
            {
                slowStalled.Add(slowValue);
            }

            return s.Value("blender_renders_total", ("host", slow), ("outcome", "completed")) == 1;
        }, Deadline, "the slow render finished");
        var slowSeconds = slowDone.Instance("blender_last_frame_seconds", slow, "0") ?? 0;
        output.WriteLine($"slow frame: {slowSeconds:F1} s, stalled in {slowStalled.Count(v => v == 1)} of {slowStalled.Count} scrapes");
        Assert.True(slowSeconds > StallAfter.TotalSeconds, $"the slow frame took {slowSeconds} s, not past StallAfter: it proves nothing");
        Assert.NotEmpty(slowStalled);
        Assert.All(slowStalled, v => Assert.Equal(0, v));
        await scraper.UntilAsync(s => s.Value("blender_renders_total", ("host", hung), ("outcome", "completed")) == 1, Deadline,
            "the hung render completed once it went on");
    }

    /// <summary>The render Blender gave up on (it could not save its first frame): exit code 1 as Blender gives it, counted
    /// as failed, listed with the file it could not save, and alerted by name from both Prometheus versions.</summary>
    private async Task AssertFailedRenderAsync(ServerProcess server, FarmMonitoring monitoring, BlenderRun failing,
        (int Code, DateTimeOffset At) exit, string host)
    {
        Assert.Equal(1, exit.Code);
        var exitedAt = exit.At;
        Assert.Contains(failing.Lines, l => l.Contains("cannot save", StringComparison.Ordinal));
        var reason = $"output not written: {UnwritableFolder}/frame_0001.png (its folder is not writable)";
        var entry = Assert.Single(await UntilListedAsync(server, "failed", Deadline))!;
        Assert.Equal((host, "0", Job, 1, reason), (entry["host"]!.ToString(), entry["instance"]!.ToString(), entry["renderJob"]!.ToString(),
            entry["frame"]!.GetValue<int>(), entry["reason"]!.ToString()));
        using var scraper = new Scraper(server);
        var metrics = await scraper.ScrapeAsync();
        Assert.Equal(1, metrics.Value("renderfarm_renders_total", ("outcome", "failed")));
        Assert.Equal(reason, Assert.Single(metrics.Series("blender_render_failed_timestamp_seconds")).Label("reason"));
        Assert.DoesNotContain(metrics.Series("blender_render_lost_timestamp_seconds"), s => s.Label("host") == host);
        foreach (var (prometheus, _) in FarmMonitoring.PrometheusVersions)
        {
            var alert = await monitoring.Webhook.UntilFiringAsync("RenderFarmRenderFailed",
                a => a["labels"]?["prometheus"]?.ToString() == prometheus, Deadline, monitoring.Logs);
            output.WriteLine($"Prometheus {prometheus}: RenderFarmRenderFailed received {(monitoring.Webhook.ReceivedAt(alert) - exitedAt).TotalSeconds:F1} s " +
                $"after Blender exited: {alert.ToJsonString()}");
            Assert.Equal((host, "0", "critical", reason), (alert["labels"]!["host"]!.ToString(), alert["labels"]!["instance"]!.ToString(),
                alert["labels"]!["severity"]!.ToString(), alert["labels"]!["reason"]!.ToString()));
            Assert.Contains($"failed at frame 1: {reason}", alert["annotations"]!["description"]!.ToString(), StringComparison.Ordinal);
        }

        await AssertPanelsShowDataAsync(monitoring, ["Failed renders"]);
    }

    /// <summary>The panels that show renders in progress.</summary>
    private static readonly string[] RenderingPanels = ["Jobs", "Frame time p50 and p95 by host", "Frame times", "Frames per hour", "Average frame time"];

    /// <summary>The dashboard's panels for render wranglers.</summary>
    private static readonly string[] NewPanels =
    [
        "Jobs", "Frame time p50 and p95 by host", "Frame times", "Peak memory per frame by host", "Renders per hour", "Lost renders",
        "Failed renders", "Frames per hour", "Average frame time",
    ];

    /// <summary>Every query of the titled panels, as Grafana sends it, returns data in every Prometheus (polled: scrapes are 1 s apart).</summary>
    private async Task AssertPanelsShowDataAsync(FarmMonitoring monitoring, IEnumerable<string> titles)
    {
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(
            Path.Combine(BlenderVersion.TestsDirectory, "..", "deploy", "grafana", "renderfarm-dashboard.json")))!;
        var wanted = titles.ToHashSet();
        var queries = dashboard["panels"]!.AsArray()
            .Where(p => wanted.Contains(p!["title"]!.ToString()))
            .SelectMany(p => p!["targets"]!.AsArray().Select(t => (Title: p["title"]!.ToString(), Expr: t!["expr"]!.ToString())))
            .ToList();
        Assert.Equal(wanted.Order(), queries.Select(q => q.Title).Distinct().Order());
        foreach (var (title, expr) in queries)
        {
            var query = expr.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$host", ".+", StringComparison.Ordinal)
                .Replace("$instance", ".+", StringComparison.Ordinal);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            Dictionary<string, JsonArray> results;
            while ((results = await monitoring.QueryAsync(query)).Values.Any(r => r.Count == 0) && DateTime.UtcNow < until)
            {
                await Task.Delay(500);
            }

            foreach (var (prometheus, result) in results)
            {
                Assert.True(result.Count > 0, $"{prometheus}: panel '{title}' shows nothing: {query}");
            }

            output.WriteLine($"panel '{title}': {string.Join(", ", results.Select(r => $"{r.Key} {r.Value.Count} series"))}");
        }
    }

    private void AssertTelemetryOfTheCompletedJob(Exposition metrics, string host)
    {
        var labels = new[] { ("host", host), ("instance", "0") };
        AssertHostFrameTimes(metrics, host);
        Assert.Equal(metrics.Value("blender_frames_rendered_total", labels), metrics.Value("blender_frame_render_seconds_count", ("host", host)));
        var peak = metrics.Value("blender_frame_peak_memory_bytes", labels);
        output.WriteLine($"{host}: peak memory of the last frame {peak / 1e6:F1} MB");
        Assert.InRange(peak ?? -1, 20e6, 50e9);
        Assert.Equal(Samples, metrics.Value("blender_scene_samples", labels));
        Assert.Equal(1, metrics.Value("blender_job_frame_start", labels));
        Assert.Equal(CompletedFrames, metrics.Value("blender_job_frame_end", labels));
        var info = Assert.Single(metrics.Series("blender_instance_info", labels));
        Assert.Equal(("CPU", Job), (info.Label("device"), info.Label("render_job")));
    }

    /// <summary>The host's frame-time histogram: one per host, the frames of the completed job.</summary>
    private static void AssertHostFrameTimes(Exposition metrics, string host)
    {
        Assert.Equal(CompletedFrames, metrics.Value("blender_frame_render_seconds_count", ("host", host)));
        Assert.Equal(CompletedFrames, metrics.Value("blender_frame_render_seconds_bucket", ("host", host), ("le", "+Inf")));
        Assert.InRange(metrics.Value("blender_frame_render_seconds_sum", ("host", host)) ?? -1, 0.001, 600);
        // Tiny frames: every one within the first bucket's 1 s or a few more on a loaded machine.
        Assert.Equal(CompletedFrames, metrics.Value("blender_frame_render_seconds_bucket", ("host", host), ("le", "7200")));
    }

    /// <summary>The status API's recently lost renders (not the failed ones), once there is one (or at once with a zero deadline).</summary>
    private static Task<JsonArray> UntilLostRendersAsync(ServerProcess server, TimeSpan deadline) =>
        UntilListedAsync(server, cause => cause != "failed", deadline);

    /// <summary>The status API's renders listed with <paramref name="cause"/>, once there is one (or at once with a zero deadline).</summary>
    private static Task<JsonArray> UntilListedAsync(ServerProcess server, string cause, TimeSpan deadline) =>
        UntilListedAsync(server, c => c == cause, deadline);

    private static async Task<JsonArray> UntilListedAsync(ServerProcess server, Func<string, bool> cause, TimeSpan deadline)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}") };
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var listed = new JsonArray([.. JsonNode.Parse(await http.GetStringAsync("/api/lost-renders"))!["lostRenders"]!.AsArray()
                .Where(l => cause(l!["cause"]!.ToString())).Select(l => l!.DeepClone())]);
            if (listed.Count > 0 || DateTime.UtcNow >= until)
            {
                return listed;
            }

            await Task.Delay(200);
        }
    }
}
