using RenderFarm.Testing;

namespace RenderFarm.UnitTests;

/// <summary>Frame times, peak memory, device, samples, job and outcomes on /metrics; lost renders told apart.</summary>
public class RenderTelemetryTests
{
    private static readonly string[] BucketBounds = ["1", "2", "5", "10", "30", "60", "120", "300", "600", "1800", "3600", "7200", "+Inf"];

    [Fact]
    public void The_bucket_bounds_are_the_ones_the_proto_states()
    {
        var proto = File.ReadAllLines(Path.Combine(RepositoryRoot(), "protos", "renderfarm", "v1", "reporter.proto"));
        var line = proto.Single(l => l.Contains("frame-seconds-bounds:", StringComparison.Ordinal));
        var stated = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(double.Parse);
        Assert.Equal(stated, FrameTimes.Bounds);
    }

    [Fact]
    public async Task Frame_times_are_a_cumulative_histogram_with_sum_and_count_beside_the_other_new_families()
    {
        var (registry, _) = Reports.NewRegistry();
        // Per bucket, as the add-on sends them: 2 frames ≤ 1 s, 1 ≤ 5 s, 1 over two hours.
        registry.Apply(Reports.Valid(rendering: true) with
        {
            FrameSecondsBuckets = FrameTimes.Cumulative([2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            FrameSecondsSum = 7300.5,
            FramePeakMemoryBytes = 3_000_000_000,
            Samples = 4096,
            Device = "OPTIX",
            RenderJob = "shot010 \"v3\"",
            JobFrameStart = 1,
            JobFrameEnd = 250,
            RendersCompleted = 2,
            RendersCancelled = 1,
        });

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);

        double? Bucket(string le) => scrape.Value("blender_frame_render_seconds_bucket", ("host", "node01"), ("le", le));
        Assert.Equal([2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4],
            BucketBounds.Select(Bucket));
        Assert.Equal(4, scrape.Value("blender_frame_render_seconds_count", ("host", "node01")));
        Assert.Equal(7300.5, scrape.Value("blender_frame_render_seconds_sum", ("host", "node01")));
        Assert.All(scrape.Samples.Where(s => s.Name.StartsWith("blender_frame_render_seconds", StringComparison.Ordinal)),
            s => Assert.Equal("", s.Label("instance"))); // one histogram per host
        Assert.Equal("histogram", scrape.Types["blender_frame_render_seconds"]);
        Assert.Equal(3_000_000_000, scrape.Instance("blender_frame_peak_memory_bytes", "node01", "0"));
        Assert.Equal(4096, scrape.Instance("blender_scene_samples", "node01", "0"));
        Assert.Equal((1, 250), (scrape.Instance("blender_job_frame_start", "node01", "0"), scrape.Instance("blender_job_frame_end", "node01", "0")));
        Assert.Equal(2, scrape.Value("blender_renders_total", ("host", "node01"), ("outcome", "completed")));
        Assert.Equal(1, scrape.Value("blender_renders_total", ("host", "node01"), ("outcome", "cancelled")));
        var info = Assert.Single(scrape.Series("blender_instance_info"));
        Assert.Equal(("OPTIX", "shot010 \"v3\""), (info.Label("device"), info.Label("render_job")));
    }

    [Fact]
    public async Task The_frame_under_way_is_on_metrics_as_its_start_its_last_progress_and_its_share_done()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(rendering: true) with
        {
            FrameElapsedSeconds = 30, ProgressAgeSeconds = 2.5, FrameSamplesDone = 16, FrameSamplesTotal = 64,
        });
        registry.Apply(Reports.Valid(host: "node02", rendering: true) with { FrameElapsedSeconds = 7, ProgressAgeSeconds = 7 }); // 3.x
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);

        Assert.Equal(now - 30, scrape.Instance("blender_frame_started_timestamp_seconds", "node01", "0"));
        Assert.Equal(now - 2.5, scrape.Instance("blender_render_progress_timestamp_seconds", "node01", "0"));
        Assert.Equal(0.25, scrape.Instance("blender_frame_progress", "node01", "0"));
        Assert.Equal(now - 7, scrape.Instance("blender_render_progress_timestamp_seconds", "node02", "0"));
        Assert.Null(scrape.Instance("blender_frame_progress", "node02", "0")); // no samples told: no share

        registry.Apply(Reports.Valid(sequence: 2, rendering: true));
        scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Null(scrape.Instance("blender_frame_started_timestamp_seconds", "node01", "0")); // between frames
    }

    [Fact]
    public async Task An_instance_that_never_rendered_has_no_histogram_and_no_frame_peak()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid());

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);

        Assert.DoesNotContain(scrape.Samples, s => s.Name.StartsWith("blender_frame_", StringComparison.Ordinal));
        Assert.Equal(0, scrape.Value("blender_renders_total", ("host", "node01"), ("outcome", "completed")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(14)]
    public void A_report_with_other_than_thirteen_buckets_is_refused_naming_the_field(int buckets)
    {
        var (registry, _) = Reports.NewRegistry();
        var result = registry.Apply(Reports.Valid() with { FrameSecondsBuckets = buckets == 0 ? [] : new ulong[buckets] });
        Assert.Equal(ReportOutcome.Invalid, result.Outcome);
        Assert.StartsWith("frame_seconds_counts: expected 13 counts", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public void Expiry_while_rendering_is_a_lost_render_with_its_job_file_and_frame()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(rendering: true) with { CurrentFrame = 42, BlendFile = "/shots/010.blend", RenderJob = "shot010" });
        registry.Apply(Reports.Valid(host: "idle-node"));
        time.Advance(Reports.Ttl);

        Assert.Equal(2, registry.RemoveExpired().Count);

        var lost = Assert.Single(registry.LostRenders.Recent());
        Assert.Equal(new LostRender("node01", "0", "shot010", "/shots/010.blend", 42, time.GetUtcNow(), LostRenderCause.Expired, "s1"), lost);
        Assert.Equal(1, registry.LostRenders.Total);
    }

    [Fact]
    public void A_session_cut_off_past_its_ttl_that_reports_again_was_no_lost_render()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(rendering: true));
        time.Advance(Reports.Ttl);
        registry.RemoveExpired();
        Assert.Single(registry.LostRenders.Recent());

        // The same Blender process, back after a network outage longer than the TTL, still rendering.
        registry.Apply(Reports.Valid(sequence: 2, rendering: true));

        Assert.Empty(registry.LostRenders.Recent());
        Assert.Equal(1, registry.LostRenders.Total);
    }

    [Fact]
    public async Task Each_hosts_histogram_lines_are_together_buckets_in_order_then_sum_and_count()
    {
        var (registry, _) = Reports.NewRegistry();
        foreach (var host in new[] { "node01", "node02" })
        {
            registry.Apply(Reports.Valid(host: host) with
            {
                FrameSecondsBuckets = FrameTimes.Cumulative([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
                FrameSecondsSum = 0.5,
            });
        }

        var text = await FarmExpositionTests.ScrapeTextAsync(registry);

        var lines = text.Split('\n').Where(l => l.StartsWith("blender_frame_render_seconds", StringComparison.Ordinal)).ToList();
        Assert.Equal(2 * 15, lines.Count);
        var hosts = lines.Select(l => l.Contains("node01", StringComparison.Ordinal) ? "node01" : "node02").ToList();
        Assert.All(hosts.Take(15), h => Assert.Equal(hosts[0], h));
        Assert.All(hosts.Skip(15), h => Assert.NotEqual(hosts[0], h));
        Assert.EndsWith("_count", lines[14].Split('{')[0], StringComparison.Ordinal);
        Assert.EndsWith("_sum", lines[13].Split('{')[0], StringComparison.Ordinal);
        Assert.Contains("le=\"+Inf\"", lines[12], StringComparison.Ordinal);
    }

    [Fact]
    public void A_sign_off_in_the_middle_of_a_render_is_a_clean_exit_not_a_lost_render()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(rendering: true));
        registry.SignOff("node01", "0", "s1");
        time.Advance(Reports.Ttl * 2);
        registry.RemoveExpired();

        Assert.Empty(registry.LostRenders.Recent());
    }

    [Fact]
    public void A_new_session_taking_over_a_rendering_instance_means_the_old_one_died_mid_render()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(session: "old", rendering: true) with { CurrentFrame = 7 });
        registry.Apply(Reports.Valid(session: "new", rendering: false) with { CurrentFrame = 1 });
        // An idle one taken over is no lost render.
        registry.Apply(Reports.Valid(host: "node02", session: "old"));
        registry.Apply(Reports.Valid(host: "node02", session: "new"));

        var lost = Assert.Single(registry.LostRenders.Recent());
        Assert.Equal(("node01", 7, LostRenderCause.Replaced), (lost.Host, lost.Frame, lost.Cause));
    }

    [Fact]
    public async Task A_lost_render_is_listed_on_metrics_for_the_retention_then_forgotten_and_counted()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new RenderFarmOptions { InstanceTtl = Reports.Ttl, LostRenderRetention = TimeSpan.FromMinutes(10) });
        var registry = new InstanceRegistry(options, time);
        registry.Apply(Reports.Valid(rendering: true) with { CurrentFrame = 42, BlendFile = "a.blend" });
        time.Advance(Reports.Ttl);
        registry.RemoveExpired();
        var lostAt = time.GetUtcNow().ToUnixTimeSeconds();

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(lostAt, scrape.Value("blender_render_lost_timestamp_seconds",
            ("host", "node01"), ("instance", "0"), ("render_job", ""), ("file", "a.blend"), ("frame", "42")));
        Assert.Equal(1, scrape.Value("renderfarm_renders_lost_total"));

        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Empty(scrape.Series("blender_render_lost_timestamp_seconds"));
        Assert.Equal(1, scrape.Value("renderfarm_renders_lost_total"));
    }

    [Fact]
    public async Task A_render_its_blender_says_failed_is_counted_listed_with_its_reason_and_never_a_lost_render()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(rendering: true) with { CurrentFrame = 1, BlendFile = "/shots/a.blend", RenderJob = "shot010" });
        // At exit, after "cannot save": the last report says the render failed and why, then the sign-off.
        var failed = Reports.Valid(sequence: 2) with
        {
            CurrentFrame = 1, BlendFile = "/shots/a.blend", RenderJob = "shot010", RendersFailed = 1,
            RenderFailure = "output not written: /farm/out/f0001.png",
        };
        registry.Apply(failed);
        registry.Apply(failed with { Sequence = 3 }); // a repeat adds nothing: counted by the session's high-water mark
        var scrapeBeforeSignOff = await FarmExpositionTests.ScrapeAsync(registry);
        registry.SignOff("node01", "0", "s1");
        time.Advance(Reports.Ttl * 2);
        registry.RemoveExpired();

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(1, scrapeBeforeSignOff.Value("blender_renders_total", ("host", "node01"), ("outcome", "failed")));
        Assert.Equal(1, scrape.Value("renderfarm_renders_total", ("outcome", "failed")));
        Assert.Equal(0, scrape.Value("renderfarm_renders_lost_total"));
        Assert.Empty(scrape.Series("blender_render_lost_timestamp_seconds"));
        var series = Assert.Single(scrape.Series("blender_render_failed_timestamp_seconds"));
        Assert.Equal(("node01", "0", "shot010", "/shots/a.blend", "1", "output not written: /farm/out/f0001.png"),
            (series.Label("host"), series.Label("instance"), series.Label("render_job"), series.Label("file"), series.Label("frame"),
                series.Label("reason")));
        var listed = Assert.Single(registry.LostRenders.Recent());
        Assert.Equal((LostRenderCause.Failed, "output not written: /farm/out/f0001.png"), (listed.Cause, listed.Reason));
        var status = RenderFarm.Server.Queries.LostRenderStatus.From(listed);
        Assert.Equal(("failed", listed.Reason), (status.Cause, status.Reason));
    }

    [Fact]
    public void A_failed_render_and_a_lost_render_of_the_same_frame_are_two_entries()
    {
        var lost = new LostRenders(TimeSpan.FromHours(1), TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        lost.Add(new LostRender("a", "0", "", "f.blend", 3, now, LostRenderCause.Failed, Reason: "output not written: /o/3.png"));
        lost.Add(new LostRender("a", "0", "", "f.blend", 3, now, LostRenderCause.Expired));
        Assert.Equal(2, lost.Recent().Count);
        Assert.Equal(1, lost.Total); // only the loss: failed renders count with the farm's renders by outcome
    }

    [Fact]
    public void The_same_render_lost_twice_is_one_entry_and_the_list_is_bounded()
    {
        var lost = new LostRenders(TimeSpan.FromHours(1), TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        lost.Add(new LostRender("a", "0", "", "f.blend", 3, now, LostRenderCause.Expired));
        lost.Add(new LostRender("a", "0", "", "f.blend", 3, now.AddSeconds(1), LostRenderCause.Replaced));
        Assert.Equal(LostRenderCause.Replaced, Assert.Single(lost.Recent()).Cause);

        for (var i = 0; i < LostRenders.Capacity + 5; i++)
        {
            lost.Add(new LostRender("b", "0", "", "g.blend", i, now, LostRenderCause.Expired));
        }

        Assert.Equal(LostRenders.Capacity, lost.Recent().Count);
        Assert.Equal(LostRenders.Capacity + 7, lost.Total); // every loss counts, the repeated one too
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RenderFarm.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RenderFarm.sln not found above the test's folder");
    }
}
