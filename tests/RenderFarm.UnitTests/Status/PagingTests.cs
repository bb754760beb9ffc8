using RenderFarm.Server.Queries;

namespace RenderFarm.UnitTests.Status;

/// <summary>Pages of the instance list (AIP-158) as the reader makes them, whichever transport asks.</summary>
public class PagingTests
{
    private static readonly InstanceQuery Everything = new(StatusFilter.All, InstanceOrder.Default);

    [Fact]
    public void Three_pages_walk_the_farm_in_order_and_the_last_has_no_token()
    {
        var (reader, _, _) = Farm(25);

        var walk = Walk(reader, Everything, pageSize: 10);

        Assert.Equal([10, 10, 5], walk.Select(p => p.Instances.Count));
        Assert.Equal(Names(25), walk.SelectMany(p => p.Instances).Select(Name));
        Assert.Equal("", walk[^1].NextPageToken(walk[^1].Instances.Count));
        Assert.All(walk, p => Assert.Equal(25, p.Summary.Instances));
    }

    [Theory]
    [InlineData(20, 10, 2)]
    [InlineData(20, 20, 1)]
    [InlineData(20, 1000, 1)]
    [InlineData(3, 1, 3)]
    [InlineData(0, 10, 1)]
    public void A_farm_that_fills_its_last_page_exactly_ends_there(int instances, int pageSize, int pages)
    {
        var (reader, _, _) = Farm(instances);

        var walk = Walk(reader, Everything, pageSize);

        Assert.Equal(pages, walk.Count);
        Assert.Equal(instances, walk.Sum(p => p.Instances.Count));
        Assert.All(walk.SkipLast(1), p => Assert.NotEqual("", p.NextPageToken(p.Instances.Count)));
    }

    [Fact]
    public void A_page_shown_in_part_continues_after_its_last_shown_instance()
    {
        var (reader, _, _) = Farm(10);
        Assert.Null(reader.TryPage(Everything, 10, null, out var page));

        var rest = Page(reader, Everything, 10, page.NextPageToken(4));

        Assert.Equal(Names(10)[4..], rest.Instances.Select(Name));
    }

    [Fact]
    public void Instances_added_and_removed_mid_walk_make_it_skip_or_repeat_no_other()
    {
        var (reader, registry, time) = Farm(30);
        var first = Page(reader, Everything, 10, null);
        var second = Page(reader, Everything, 10, first.NextPageToken(10));
        var seen = first.Instances.Concat(second.Instances).Select(Name).ToList();

        // Gone: one already shown, one of the next page, one further on. New: before the walk's position, on the
        // next page, and at its end.
        registry.SignOff(Host(3), "0", "s1");
        registry.SignOff(Host(21), "0", "s1");
        registry.SignOff(Host(28), "0", "s1");
        registry.Apply(Reports.Valid(Host(5) + "a"));
        registry.Apply(Reports.Valid(Host(22) + "a"));
        registry.Apply(Reports.Valid(Host(99)));
        time.Advance(TimeSpan.FromSeconds(1));
        var token = second.NextPageToken(10);
        while (token != "")
        {
            var page = Page(reader, Everything, 10, token);
            seen.AddRange(page.Instances.Select(Name));
            token = page.NextPageToken(page.Instances.Count);
        }

        var survivors = Names(30).Except([$"{Host(21)}/0", $"{Host(28)}/0"]);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(survivors.Except(seen));
        Assert.Contains($"{Host(22)}a/0", seen);
        Assert.Contains($"{Host(99)}/0", seen);
        Assert.DoesNotContain($"{Host(5)}a/0", seen);
    }

    [Fact]
    public void Filters_hold_on_every_page_and_the_summary_counts_every_match()
    {
        var (registry, time) = Reports.NewRegistry(maxInstances: 1000);
        for (var n = 0; n < 40; n++)
        {
            registry.Apply(Reports.Valid(n % 2 == 0 ? $"gpu-node{n}" : $"cpu-node{n}", rendering: n % 4 == 0));
        }

        var reader = new FarmStatusReader(registry, time);
        var query = new InstanceQuery(new StatusFilter(null, InstanceState.Rendering, "GPU"), InstanceOrder.Default);

        var walk = Walk(reader, query, pageSize: 3);

        var shown = walk.SelectMany(p => p.Instances).ToList();
        Assert.Equal(10, shown.Count);
        Assert.All(shown, i => Assert.StartsWith("gpu-", i.Host));
        Assert.All(shown, i => Assert.Equal(InstanceState.Rendering, i.State));
        Assert.All(walk, p => Assert.Equal(new FarmSummary(10, 10, 0, 10) { HostsRendering = 10 }, p.Summary));
    }

    [Fact]
    public void Walk_in_another_order_is_sorted_by_it_then_by_host()
    {
        var (registry, time) = Reports.NewRegistry(maxInstances: 1000);
        for (var n = 0; n < 23; n++)
        {
            registry.Apply(Reports.Valid(Host(n), rendering: true) with { CurrentFrame = n % 5, JobFrameStart = 0, JobFrameEnd = 9 });
        }

        var reader = new FarmStatusReader(registry, time);
        var query = new InstanceQuery(StatusFilter.All, new InstanceOrder(SortKey.CurrentFrame, Descending: true));

        var shown = Walk(reader, query, pageSize: 4).SelectMany(p => p.Instances).ToList();

        var expected = Enumerable.Range(0, 23).OrderByDescending(n => n % 5).ThenBy(n => n).Select(n => $"{Host(n)}/0");
        Assert.Equal(expected, shown.Select(Name));
    }

    [Fact]
    public void Age_order_puts_the_latest_report_first()
    {
        var (registry, time) = Reports.NewRegistry();
        foreach (var host in new[] { "a", "b", "c" })
        {
            time.Advance(TimeSpan.FromSeconds(1));
            registry.Apply(Reports.Valid(host));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        registry.Apply(Reports.Valid("a", sequence: 2));
        var reader = new FarmStatusReader(registry, time);
        var query = new InstanceQuery(StatusFilter.All, new InstanceOrder(SortKey.Age, Descending: false));

        var shown = Walk(reader, query, pageSize: 1).SelectMany(p => p.Instances).ToList();

        Assert.Equal(["a", "c", "b"], shown.Select(i => i.Host));
        Assert.Equal([0.0, 1.0, 2.0], shown.Select(i => i.AgeSeconds));
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("AAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("node1/0")]
    public void A_token_that_is_not_one_is_refused_in_one_line(string token)
    {
        var (reader, _, _) = Farm(3);

        var error = reader.TryPage(Everything, 1, token, out _);

        Assert.Equal("not a page token from this server's previous reply", error);
    }

    [Fact]
    public void A_token_cut_short_or_lengthened_is_refused()
    {
        var (reader, _, _) = Farm(3);
        Assert.Null(reader.TryPage(Everything, 1, null, out var first));
        var token = first.NextPageToken(1);

        Assert.Null(reader.TryPage(Everything, 1, token, out _));
        Assert.NotNull(reader.TryPage(Everything, 1, token[..^2], out _));
        Assert.NotNull(reader.TryPage(Everything, 1, token + "AA", out _));
        Assert.NotNull(reader.TryPage(Everything, 1, new string('A', 10_000), out _));
    }

    [Theory]
    [InlineData("node1", null, null, SortKey.Host)]
    [InlineData(null, InstanceState.Idle, null, SortKey.Host)]
    [InlineData(null, null, "node", SortKey.Host)]
    [InlineData(null, null, null, SortKey.CurrentFrame)]
    public void A_token_of_another_query_is_refused(string? host, InstanceState? state, string? contains, SortKey key)
    {
        var (reader, _, _) = Farm(3);
        Assert.Null(reader.TryPage(Everything, 1, null, out var first));
        var other = new InstanceQuery(new StatusFilter(host, state, contains), new InstanceOrder(key, false));

        var error = reader.TryPage(other, 1, first.NextPageToken(1), out _);

        Assert.NotNull(error);
        Assert.StartsWith("was made for a query with other filters or order", error);
    }

    [Theory]
    [InlineData(0, 1000, null)]
    [InlineData(1, 1, null)]
    [InlineData(999, 999, null)]
    [InlineData(1000, 1000, null)]
    [InlineData(1001, 1000, null)]
    [InlineData(long.MaxValue, 1000, null)]
    [InlineData(-1, 0, "must not be negative, was -1")]
    public void Page_size_has_a_default_and_a_maximum(long requested, int expected, string? error)
    {
        Assert.Equal(error, InstancePage.TryResolveSize(requested, out var size));
        if (error is null)
        {
            Assert.Equal(expected, size);
        }
    }

    private static (FarmStatusReader Reader, InstanceRegistry Registry, FakeTimeProvider Time) Farm(int instances)
    {
        var (registry, time) = Reports.NewRegistry(maxInstances: 1000);
        // Reported in an order unlike the list's, as a registry holds them.
        foreach (var n in Enumerable.Range(0, instances).OrderBy(n => (n * 7919) % 101))
        {
            registry.Apply(Reports.Valid(Host(n)));
        }

        return (new FarmStatusReader(registry, time), registry, time);
    }

    private static List<InstancePage> Walk(FarmStatusReader reader, InstanceQuery query, int pageSize)
    {
        var pages = new List<InstancePage>();
        string? token = null;
        do
        {
            var page = Page(reader, query, pageSize, token);
            pages.Add(page);
            token = page.NextPageToken(page.Instances.Count);
            Assert.True(pages.Count < 1000, "the walk does not end");
        }
        while (token != "");

        return pages;
    }

    private static InstancePage Page(FarmStatusReader reader, InstanceQuery query, int pageSize, string? token)
    {
        Assert.Null(reader.TryPage(query, pageSize, token, out var page));
        Assert.InRange(page.Instances.Count, 0, pageSize);
        return page;
    }

    // Unpadded numbers: the list puts node2 before node10.
    private static string Host(int n) => $"node{n}";

    private static string[] Names(int count) => [.. Enumerable.Range(0, count).Select(n => $"{Host(n)}/0")];

    private static string Name(InstanceView view) => $"{view.Host}/{view.Instance}";
}
