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
    public async Task Hosts_beyond_the_instance_limit_are_not_kept()
    {
        var (registry, _) = Reports.NewRegistry(maxInstances: 2);
        foreach (var host in new[] { "n1", "n2" })
        {
            registry.Apply(Frames("0", "a", 1, 1) with { Host = host });
            registry.SignOff(host, "0", "a");
        }

        // Two hosts are kept past their instances; a third host's instance may report, but its frames are not listed.
        Assert.Equal(ReportOutcome.Applied, registry.Apply(Frames("0", "a", 1, 1) with { Host = "n3" }).Outcome);

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(["n1", "n2"], scrape.Series("blender_frame_render_seconds_count").Select(s => s.Label("host")).Order());
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
