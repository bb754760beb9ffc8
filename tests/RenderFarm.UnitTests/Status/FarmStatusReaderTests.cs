using RenderFarm.Server.Queries;

namespace RenderFarm.UnitTests.Status;

public class FarmStatusReaderTests
{
    [Fact]
    public void Instances_are_sorted_by_host_then_instance()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid("node10", "1"));
        registry.Apply(Reports.Valid("node02", "0"));
        registry.Apply(Reports.Valid("node10", "0"));
        var reader = new FarmStatusReader(registry, time);

        var list = List(reader, StatusFilter.All);

        Assert.Equal(["node02/0", "node10/0", "node10/1"], list.Select(i => $"{i.Host}/{i.Instance}"));
    }

    [Fact]
    public void Filters_select_by_exact_host_and_by_state()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid("node1", "0", rendering: true));
        registry.Apply(Reports.Valid("node1", "1"));
        registry.Apply(Reports.Valid("node10", "0", rendering: true));
        var reader = new FarmStatusReader(registry, time);

        Assert.Equal(2, List(reader, new StatusFilter("node1", null)).Count);
        Assert.Equal(["node1/0", "node10/0"],
            List(reader, new StatusFilter(null, InstanceState.Rendering)).Select(i => $"{i.Host}/{i.Instance}"));
        Assert.Equal("1", Assert.Single(List(reader, new StatusFilter("node1", InstanceState.Idle))).Instance);
        Assert.Empty(List(reader, new StatusFilter("node2", null)));
    }

    [Fact]
    public void Age_follows_the_clock_and_expired_instances_are_gone()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid("node01"));
        var reportedAt = time.GetUtcNow();
        var reader = new FarmStatusReader(registry, time);

        time.Advance(TimeSpan.FromSeconds(12.5));
        var status = reader.Find("node01", "0")!;

        Assert.Equal(12.5, status.AgeSeconds);
        Assert.Equal(reportedAt, status.LastSeen);

        time.Advance(Reports.Ttl);
        registry.RemoveExpired();

        Assert.Null(reader.Find("node01", "0"));
        Assert.Empty(List(reader, StatusFilter.All));
    }

    [Fact]
    public void Summary_counts_states_and_distinct_hosts()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid("node01", "0", rendering: true));
        registry.Apply(Reports.Valid("node01", "1"));
        registry.Apply(Reports.Valid("node02", "0"));
        var reader = new FarmStatusReader(registry, time);

        var summary = FarmSummary.Of(List(reader, StatusFilter.All));

        Assert.Equal(new FarmSummary(Instances: 3, Rendering: 1, Idle: 2, Hosts: 2) { HostsRendering = 1 }, summary);
        Assert.Equal(1, summary.HostsIdle);
    }

    [Fact]
    public void Overview_counts_the_whole_farm_and_its_lost_renders()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid("node01", "0", rendering: true));
        registry.Apply(Reports.Valid("node01", "1", rendering: true));
        registry.Apply(Reports.Valid("node02", "0"));
        registry.Apply(Reports.Valid("node03", "0", rendering: true) with { BlendFile = "/shots/lost.blend" });
        var reader = new FarmStatusReader(registry, time);
        Assert.Equal(0, reader.Overview().LostRenders);
        Assert.Null(reader.Overview().LastLostAt);

        // node03 goes silent mid-render: expired and listed as a lost render; the others keep reporting.
        time.Advance(Reports.Ttl - TimeSpan.FromSeconds(1));
        registry.Apply(Reports.Valid("node01", "0", sequence: 2, rendering: true));
        registry.Apply(Reports.Valid("node01", "1", sequence: 2));
        registry.Apply(Reports.Valid("node02", "0", sequence: 2));
        time.Advance(TimeSpan.FromSeconds(1));
        registry.RemoveExpired();
        var overview = reader.Overview();

        Assert.Equal(new FarmSummary(Instances: 3, Rendering: 1, Idle: 2, Hosts: 2) { HostsRendering = 1 }, overview.Summary);
        Assert.Equal(1, overview.LostRenders);
        Assert.Equal(time.GetUtcNow(), overview.LastLostAt);
        Assert.Equal(Reports.Ttl.TotalSeconds, overview.TtlSeconds);
    }

    [Fact]
    public void Hosts_list_numbers_in_names_as_numbers()
    {
        var (registry, time) = Reports.NewRegistry();
        foreach (var (host, instance) in new[] { ("node10", "0"), ("node2", "10"), ("node2", "9"), ("node1", "0") })
        {
            registry.Apply(Reports.Valid(host, instance));
        }

        var list = List(new FarmStatusReader(registry, time), StatusFilter.All);

        Assert.Equal(["node1/0", "node2/9", "node2/10", "node10/0"], list.Select(i => $"{i.Host}/{i.Instance}"));
    }

    [Fact]
    public void Instance_filter_selects_one_instance_of_a_host()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid("node1", "0"));
        registry.Apply(Reports.Valid("node1", "1", rendering: true));
        registry.Apply(Reports.Valid("node2", "1"));
        var reader = new FarmStatusReader(registry, time);

        var page = Page(reader, new StatusFilter("node1", null, Instance: "1"), 10);

        Assert.Equal("node1/1", Assert.Single(page.Instances.Select(i => $"{i.Host}/{i.Instance}")));
        Assert.Equal(new FarmSummary(Instances: 1, Rendering: 1, Idle: 0, Hosts: 1) { HostsRendering = 1 }, page.Summary);
    }

    [Fact]
    public void A_page_of_one_counts_every_match_and_ages_the_oldest_report()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid("node1", "0"));
        time.Advance(TimeSpan.FromSeconds(4));
        registry.Apply(Reports.Valid("node1", "1", rendering: true));
        registry.Apply(Reports.Valid("node1", "2"));
        registry.Apply(Reports.Valid("node2", "0"));
        time.Advance(TimeSpan.FromSeconds(1.5));
        var reader = new FarmStatusReader(registry, time);

        var page = Page(reader, new StatusFilter("node1", null), 1);

        Assert.Equal("0", Assert.Single(page.Instances).Instance);
        Assert.Equal(new FarmSummary(Instances: 3, Rendering: 1, Idle: 2, Hosts: 1) { HostsRendering = 1 }, page.Summary);
        Assert.Equal(5.5, page.OldestReportAgeSeconds);
        Assert.Null(Page(reader, new StatusFilter("node3", null), 1).OldestReportAgeSeconds);
    }

    private static InstancePage Page(FarmStatusReader reader, StatusFilter filter, int size)
    {
        Assert.Null(reader.TryPage(new InstanceQuery(filter, InstanceOrder.Default), size, null, out var page));
        return page;
    }

    /// <summary>Every instance that matches, in the default order: one page holds the few of a test.</summary>
    private static IReadOnlyList<InstanceView> List(FarmStatusReader reader, StatusFilter filter) =>
        Page(reader, filter, InstancePage.MaxSize).Instances;
}
