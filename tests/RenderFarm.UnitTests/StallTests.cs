using RenderFarm.Server.Queries;

namespace RenderFarm.UnitTests;

/// <summary>
/// A render is stalled while Blender shows no progress in its frame for StallAfter, or its frame runs past five times
/// its host's 95th-percentile frame (never less than StallAfter); a slow frame that keeps showing progress is not,
/// nor an idle instance. On /metrics, in the status API's state, its filter and its counts.
/// </summary>
public class StallTests
{
    private static readonly TimeSpan StallAfter = TimeSpan.FromMinutes(10);

    private static InstanceRegistry NewRegistry() =>
        new(Options.Create(new RenderFarmOptions { InstanceTtl = Reports.Ttl, StallAfter = StallAfter }),
            new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));

    private static InstanceReport Rendering(string host, ulong sequence, double? elapsed, double progressAge) =>
        Reports.Valid(host, sequence: sequence, rendering: true) with { FrameElapsedSeconds = elapsed, ProgressAgeSeconds = progressAge };

    [Theory]
    [InlineData(30.0, 0.5, false)] // a frame under way, progress half a second ago
    [InlineData(7200.0, 1.0, false)] // a two-hour frame that keeps sampling: slow, not stalled (the host has no frame times yet)
    [InlineData(700.0, 599.0, false)] // no progress for just under StallAfter
    [InlineData(700.0, 600.0, true)] // StallAfter without progress: a hung driver, a deadlock
    [InlineData(600.0, 600.0, true)] // hung before its first sample: no progress since the frame started
    [InlineData(null, 600.0, true)] // hung between frames (a driver evaluated for the next one): no progress since the last ended
    public void No_progress_for_stall_after_is_stalled_and_a_slow_frame_that_progresses_is_not(double? elapsed, double age, bool stalled)
    {
        var registry = NewRegistry();
        registry.Apply(Rendering("node01", 1, elapsed, age));

        Assert.Equal(stalled, registry.Find("node01", "0")!.Value.Stalled);
    }

    [Fact]
    public void A_frame_five_times_longer_than_its_hosts_95th_percentile_is_stalled_never_before_stall_after()
    {
        var registry = NewRegistry();
        // The host's frames: 20 of at most 5 minutes (p95 bound 300 s, so the bound is 1500 s); and a quick host (p95 1 s).
        registry.Apply(Reports.Valid("node01", sequence: 1) with { FrameSecondsBuckets = FrameTimes.Cumulative([0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 0, 0]), FrameSecondsSum = 4000 });
        registry.Apply(Reports.Valid("node02", sequence: 1) with { FrameSecondsBuckets = FrameTimes.Cumulative([20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), FrameSecondsSum = 10 });

        registry.Apply(Rendering("node01", 2, elapsed: 1400, progressAge: 1));
        Assert.False(registry.Find("node01", "0")!.Value.Stalled);
        registry.Apply(Rendering("node01", 3, elapsed: 1500, progressAge: 1));
        Assert.True(registry.Find("node01", "0")!.Value.Stalled);
        // 5 × 1 s is far less than StallAfter: the frame is held to StallAfter instead.
        registry.Apply(Rendering("node02", 2, elapsed: 300, progressAge: 1));
        Assert.False(registry.Find("node02", "0")!.Value.Stalled);
        registry.Apply(Rendering("node02", 3, elapsed: 600, progressAge: 1));
        Assert.True(registry.Find("node02", "0")!.Value.Stalled);
    }

    [Fact]
    public async Task A_stalled_render_is_on_metrics_in_the_status_state_filter_and_counts_and_clears_when_progress_resumes()
    {
        var registry = NewRegistry();
        registry.Apply(Rendering("node01", 1, elapsed: 900, progressAge: 700));
        registry.Apply(Rendering("node02", 1, elapsed: 30, progressAge: 1));
        registry.Apply(Reports.Valid("node03"));
        var reader = new FarmStatusReader(registry, TimeProvider.System);

        var scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal((1, 0), (scrape.Instance("blender_render_stalled", "node01", "0"), scrape.Instance("blender_render_stalled", "node02", "0")));
        Assert.Null(scrape.Instance("blender_render_stalled", "node03", "0")); // idle: no render to stall
        Assert.Equal(1, scrape.Instance("Blender_Render", "node01", "0")); // still rendering, as far as Blender_Render goes
        Assert.Equal(InstanceState.Stalled, reader.Find("node01", "0")!.State);
        StatusFilter.TryParse(null, "stalled", out var stalledOnly);
        Assert.Equal(["node01"], Hosts(reader, stalledOnly));
        StatusFilter.TryParse(null, "rendering", out var rendering);
        Assert.Equal(["node01", "node02"], Hosts(reader, rendering));
        var summary = reader.Overview().Summary;
        Assert.Equal((2, 1, 1), (summary.Rendering, summary.Stalled, summary.Idle));

        registry.Apply(Rendering("node01", 2, elapsed: 905, progressAge: 0.5)); // the driver came back
        scrape = await FarmExpositionTests.ScrapeAsync(registry);
        Assert.Equal(0, scrape.Instance("blender_render_stalled", "node01", "0"));
        Assert.Equal(InstanceState.Rendering, reader.Find("node01", "0")!.State);
    }

    [Fact]
    public void The_state_filter_names_stalled_among_its_values()
    {
        var error = StatusFilter.TryParse(null, "hung", out _);
        Assert.Equal("state: must be 'rendering', 'stalled' or 'idle', was 'hung'", error!.Message);
    }

    private static string[] Hosts(FarmStatusReader reader, StatusFilter filter)
    {
        Assert.Null(reader.TryPage(new InstanceQuery(filter, InstanceOrder.Default), 100, null, out var page));
        return [.. page.Instances.Select(i => i.Host).Order(StringComparer.Ordinal)];
    }
}
