namespace RenderFarm.UnitTests;

/// <summary>
/// The frame-time histogram per host and the farm's render counts: kept by the server from what each report adds to its
/// session, so they outlast the Blender processes that rendered the frames.
/// </summary>
public class HostFrameTimesTests
{
    [Fact]
    public async Task A_hosts_histogram_sums_its_sessions_and_keeps_the_frames_of_one_that_signed_off()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Frames(instance: "0", session: "a", sequence: 1, 2, 0, 1)); // 3 frames
        registry.Apply(Frames(instance: "1", session: "b", sequence: 1, 0, 1)); // 1 frame
        registry.Apply(Frames(instance: "0", session: "a", sequence: 2, 3, 0, 1)); // a's 4th frame
        Assert.Equal(5, await CountAsync(registry, "node01"));

        registry.SignOff("node01", "0", "a");
        // The next task's Blender on the same slot: a new session, counted from its own zero.
        registry.Apply(Frames(instance: "0", session: "c", sequence: 1, 1));

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(6, scrape.Value("blender_frame_render_seconds_count", ("host", "node01")));
        Assert.Equal(4, scrape.Value("blender_frame_render_seconds_bucket", ("host", "node01"), ("le", "1")));
        Assert.Equal(5, scrape.Value("blender_frame_render_seconds_bucket", ("host", "node01"), ("le", "2")));
        Assert.Equal(6, scrape.Value("blender_frame_render_seconds_bucket", ("host", "node01"), ("le", "5")));
        Assert.Equal(6, scrape.Value("blender_frame_render_seconds_bucket", ("host", "node01"), ("le", "+Inf")));
        Assert.Equal(6 * 1.5, scrape.Value("blender_frame_render_seconds_sum", ("host", "node01")));
    }

    [Fact]
    public async Task Reports_repeated_or_lost_in_between_add_each_frame_once()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Frames("0", "a", 1, 1));
        registry.Apply(Frames("0", "a", 2, 1)); // a heartbeat: nothing new
        registry.Apply(Frames("0", "a", 2, 5)); // stale sequence: refused, adds nothing
        registry.Apply(Frames("0", "a", 5, 3)); // reports 3 and 4 lost: the cumulative counts carry their frames

        Assert.Equal(3, await CountAsync(registry, "node01"));
    }

    [Fact]
    public async Task A_faulty_session_whose_counts_go_back_subtracts_nothing()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Frames("0", "a", 1, 5));
        registry.Apply(Frames("0", "a", 2, 2) with { FrameSecondsSum = 0 });

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(5, scrape.Value("blender_frame_render_seconds_count", ("host", "node01")));
        Assert.Equal(7.5, scrape.Value("blender_frame_render_seconds_sum", ("host", "node01")));
    }

    [Fact]
    public async Task The_histogram_starts_at_zero_with_the_first_render_so_its_first_frame_counts_in_rate()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(host: "never-rendered"));
        registry.Apply(Frames("0", "a", 1));

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(0, scrape.Value("blender_frame_render_seconds_count", ("host", "node01")));
        Assert.Equal(13, scrape.Series("blender_frame_render_seconds_bucket", ("host", "node01")).Count());
        Assert.Empty(scrape.Series("blender_frame_render_seconds_count", ("host", "never-rendered")));
    }

    [Fact]
    public async Task A_host_outlives_its_last_instance_by_the_retention_then_goes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var retention = TimeSpan.FromMinutes(15);
        var registry = new InstanceRegistry(Options.Create(new RenderFarmOptions { InstanceTtl = Reports.Ttl, HostRetention = retention }), time);
        registry.Apply(Frames("0", "a", 1, 2));
        registry.SignOff("node01", "0", "a");

        // Between two tasks: the host's frames stay.
        time.Advance(retention - TimeSpan.FromSeconds(1));
        registry.RemoveExpired();
        Assert.Equal(2, await CountAsync(registry, "node01"));

        // An instance that expires counts as leaving too; the retention starts when the last one has gone.
        registry.Apply(Frames("0", "b", 1, 1));
        time.Advance(Reports.Ttl);
        registry.RemoveExpired();
        time.Advance(retention - TimeSpan.FromSeconds(1));
        registry.RemoveExpired();
        Assert.Equal(3, await CountAsync(registry, "node01"));

        time.Advance(TimeSpan.FromSeconds(1));
        registry.RemoveExpired();
        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Empty(scrape.Series("blender_frame_render_seconds_bucket"));
    }

    [Fact]
    public async Task A_full_host_table_makes_way_for_a_new_host_with_the_oldest_host_without_instances()
    {
        var (registry, time) = Reports.NewRegistry(maxInstances: 2);
        foreach (var host in new[] { "n1", "n2" })
        {
            registry.Apply(Frames("0", "a", 1, 1) with { Host = host });
            registry.SignOff(host, "0", "a");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // The table holds its two hosts, both between tasks: the one empty longest goes, the new host's frames are listed.
        Assert.Equal(ReportOutcome.Applied, registry.Apply(Frames("0", "a", 1, 1) with { Host = "n3" }).Outcome);

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(["n2", "n3"], scrape.Series("blender_frame_render_seconds_count").Select(s => s.Label("host")).Order());
    }

    [Fact]
    public async Task A_writer_churning_host_names_pushes_out_its_own_hosts_and_never_another_writers()
    {
        var (registry, time) = Reports.NewRegistry(maxInstances: 50);
        object studio = new(), intruder = new();
        // The studio's node-b between two tasks, node-a rendering throughout.
        registry.Apply(Frames("0", "a", 1, 4) with { Host = "node-b" }, studio);
        registry.SignOff("node-b", "0", "a");
        registry.Apply(Frames("0", "a", 1, 1) with { Host = "node-a" }, studio);

        // A token scoped to render-*: 2,000 report and sign-off pairs, each a new host name.
        for (var n = 0; n < 2000; n++)
        {
            Assert.Equal(ReportOutcome.Applied, registry.Apply(Frames("0", "x", 1, 1) with { Host = $"render-{n}" }, intruder).Outcome);
            registry.SignOff($"render-{n}", "0", "x");
            time.Advance(TimeSpan.FromMilliseconds(10));
            if (n % 100 == 0)
            {
                registry.Apply(Frames("0", "a", (ulong)(2 + n), 1 + (ulong)n / 100) with { Host = "node-a" }, studio);
            }
        }

        // A second instance of node-a, and a new host of a writer with no host between tasks while the table is full of
        // the intruder's: both are listed.
        registry.Apply(Frames("1", "b", 1, 2) with { Host = "node-a" }, studio);
        registry.Apply(Frames("0", "a", 1, 3) with { Host = "node-c" }, new object());

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        var hosts = scrape.Series("blender_frame_render_seconds_count").Select(s => s.Label("host")).ToList();
        Assert.Equal(50, hosts.Count);
        Assert.Equal(20 + 2, scrape.Value("blender_frame_render_seconds_count", ("host", "node-a")));
        Assert.Equal(4, scrape.Value("blender_frame_render_seconds_count", ("host", "node-b")));
        Assert.Equal(3, scrape.Value("blender_frame_render_seconds_count", ("host", "node-c")));
        Assert.Equal(47, hosts.Count(h => h.StartsWith("render-", StringComparison.Ordinal)));
        // The intruder's newest hosts are the ones kept.
        Assert.Contains("render-1999", hosts);
        Assert.DoesNotContain("render-1000", hosts);
    }

    [Fact]
    public async Task Hosts_that_make_way_leave_the_retention_order_intact()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var registry = new InstanceRegistry(Options.Create(new RenderFarmOptions
        {
            InstanceTtl = Reports.Ttl, MaxInstances = 3, HostRetention = TimeSpan.FromMinutes(1),
        }), time);
        foreach (var host in new[] { "n1", "n2", "n3", "n4", "n5" })
        {
            registry.Apply(Frames("0", "a", 1, 1) with { Host = host });
            registry.SignOff(host, "0", "a");
            time.Advance(TimeSpan.FromSeconds(20));
        }

        // n1 and n2 made way for n4 and n5; n3 was empty first of the rest and goes first by the retention.
        registry.RemoveExpired();
        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(["n4", "n5"], scrape.Series("blender_frame_render_seconds_count").Select(s => s.Label("host")).Order());
        // n4 comes back before it expires: taken out of the order of empty hosts, it stays while it has an instance.
        registry.Apply(Frames("0", "b", 1, 1) with { Host = "n4" });
        time.Advance(TimeSpan.FromMinutes(5));
        registry.Apply(Frames("0", "b", 2, 2) with { Host = "n4" });
        registry.RemoveExpired();
        scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(["n4"], scrape.Series("blender_frame_render_seconds_count").Select(s => s.Label("host")));
        Assert.Equal(3, scrape.Value("blender_frame_render_seconds_count", ("host", "n4")));
    }

    [Fact]
    public async Task A_session_whose_counts_fall_and_rise_again_adds_no_more_than_its_largest_claim()
    {
        var (registry, _) = Reports.NewRegistry();
        var many = Enumerable.Repeat(1_000_000UL, FrameTimes.BucketCount).ToArray();
        for (ulong sequence = 1; sequence <= 200; sequence++)
        {
            var report = sequence % 2 == 1
                ? Frames("0", "a", sequence, many) with { FrameSecondsSum = 13e6, RendersCompleted = 1000, RendersCancelled = 1000 }
                : Frames("0", "a", sequence, new ulong[FrameTimes.BucketCount]) with { FrameSecondsSum = 0 };
            Assert.Equal(ReportOutcome.Applied, registry.Apply(report).Outcome);
        }

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(13e6, scrape.Value("blender_frame_render_seconds_count", ("host", "node01")));
        Assert.Equal(13e6, scrape.Value("blender_frame_render_seconds_sum", ("host", "node01")));
        Assert.Equal(1000, scrape.Value("renderfarm_renders_total", ("outcome", "completed")));
        Assert.Equal(1000, scrape.Value("renderfarm_renders_total", ("outcome", "cancelled")));

        // Growing past the marks again counts what is new, and only that.
        registry.Apply(Frames("0", "a", 201, many.Select(c => c + 1).ToArray()) with { FrameSecondsSum = 13e6 + 13, RendersCompleted = 1001 });
        scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(13e6 + 13, scrape.Value("blender_frame_render_seconds_count", ("host", "node01")));
        Assert.Equal(13e6 + 13, scrape.Value("blender_frame_render_seconds_sum", ("host", "node01")));
        Assert.Equal(1001, scrape.Value("renderfarm_renders_total", ("outcome", "completed")));
    }

    [Fact]
    public async Task Frames_moved_between_buckets_count_once()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Frames("0", "a", 1, 5));       // five frames under a second
        registry.Apply(Frames("0", "a", 2, 0, 5));    // the same five, now claimed under two seconds
        registry.Apply(Frames("0", "a", 3, 5));       // and back
        registry.Apply(Frames("0", "a", 4, 5, 0, 1)); // then a sixth frame, under five seconds

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(6, scrape.Value("blender_frame_render_seconds_count", ("host", "node01")));
        Assert.Equal(5, scrape.Value("blender_frame_render_seconds_bucket", ("host", "node01"), ("le", "1")));
    }

    [Fact]
    public async Task A_new_session_starts_its_marks_from_zero()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Frames("0", "a", 1, 5) with { RendersCompleted = 3 });
        registry.Apply(Frames("0", "a", 2, 1) with { RendersCompleted = 1 });
        // The next Blender process on the slot: its own two frames and render count, whatever its predecessor claimed.
        registry.Apply(Frames("0", "b", 1, 2) with { RendersCompleted = 1 });

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(7, scrape.Value("blender_frame_render_seconds_count", ("host", "node01")));
        Assert.Equal(4, scrape.Value("renderfarm_renders_total", ("outcome", "completed")));
    }

    [Fact]
    public async Task The_farms_renders_count_every_session_that_ended_including_those_gone()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(session: "a") with { RendersCompleted = 1 });
        registry.Apply(Reports.Valid(session: "a", sequence: 2) with { RendersCompleted = 2, RendersCancelled = 1 });
        registry.SignOff("node01", "0", "a");
        registry.Apply(Reports.Valid(session: "b") with { RendersCompleted = 1 });
        registry.Apply(Reports.Valid(host: "node02") with { RendersCancelled = 1 });

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(3, scrape.Value("renderfarm_renders_total", ("outcome", "completed")));
        Assert.Equal(2, scrape.Value("renderfarm_renders_total", ("outcome", "cancelled")));
        Assert.Equal("counter", scrape.Types["renderfarm_renders_total"]);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("8.00:00:00")]
    public void A_host_retention_out_of_range_is_a_configuration_error(string retention)
    {
        var options = new RenderFarmOptions { HostRetention = TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture) };
        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Equal($"RenderFarm:HostRetention must be between 00:00:00 and 7.00:00:00, was {retention}.", Assert.Single(errors).ErrorMessage);
    }

    /// <summary>A report of <paramref name="perBucket"/> frames in the first buckets (1 s, 2 s, 5 s …), each 1.5 s in the sum.</summary>
    private static InstanceReport Frames(string instance, string session, ulong sequence, params ulong[] perBucket)
    {
        var counts = new ulong[FrameTimes.BucketCount];
        perBucket.CopyTo(counts, 0);
        return Reports.Valid(instance: instance, session: session, sequence: sequence, rendering: true) with
        {
            FrameSecondsBuckets = FrameTimes.Cumulative(counts),
            FrameSecondsSum = 1.5 * perBucket.Aggregate(0UL, (a, b) => a + b),
        };
    }

    private static async Task<double?> CountAsync(InstanceRegistry registry, string host) =>
        (await FarmExpositionTests.ScrapeAsync(registry)).Value("blender_frame_render_seconds_count", ("host", host));
}
