using Grpc.Core;
using RenderFarm.Contracts.V1;

namespace RenderFarm.StatusTests;

public class FarmStatusGrpcTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Farm _farm = fixture.Farm;

    public static TheoryData<string> Transports => ["native", "grpc-web"];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task List_filters_by_host_and_state(string transport)
    {
        var host = $"grpc-list-{transport}";
        await _farm.SendAsync(Farm.Report(host, "0", rendering: true, frame: 11, job: (1, 20)));
        await _farm.SendAsync(Farm.Report(host, "1"));
        await _farm.SendAsync(Farm.Report("grpc-list-other", "0", rendering: true));

        var all = await Client(transport).ListInstancesAsync(new ListInstancesRequest { Host = host });
        var rendering = await Client(transport).ListInstancesAsync(
            new ListInstancesRequest { Host = host, State = RenderState.Rendering });

        Assert.Equal(["0", "1"], all.Instances.Select(i => i.Instance));
        Assert.All(all.Instances, i => Assert.Equal(host, i.Host));
        Assert.Equal((1u, 1u), (all.Rendering, all.Idle));
        var one = Assert.Single(rendering.Instances);
        Assert.Equal(RenderState.Rendering, one.State);
        Assert.Equal(11, one.CurrentFrame);
        Assert.Equal((1, 20), (one.JobFrameStart, one.JobFrameEnd));
        Assert.Equal(0.5, one.Progress, precision: 4);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task List_walks_three_pages_in_order_and_the_last_ends_the_walk(string transport)
    {
        var host = $"grpc-walk-{transport}";
        await ReportAsync(host, 25);

        var pages = await WalkAsync(Client(transport), new ListInstancesRequest { Host = host, PageSize = 10 });

        Assert.Equal([10, 10, 5], pages.Select(p => p.Instances.Count));
        // Numbers in names compare as numbers: 2 before 10.
        Assert.Equal(Enumerable.Range(0, 25).Select(n => $"{n}"), pages.SelectMany(p => p.Instances).Select(i => i.Instance));
        Assert.All(pages[..2], p => Assert.NotEqual("", p.NextPageToken));
        Assert.Equal("", pages[^1].NextPageToken);
        Assert.All(pages, p => Assert.Equal((0u, 25u), (p.Rendering, p.Idle)));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task List_without_a_page_size_answers_as_before_paging(string transport)
    {
        var host = $"grpc-old-client-{transport}";
        await ReportAsync(host, 5);

        var reply = await Client(transport).ListInstancesAsync(new ListInstancesRequest { Host = host });

        Assert.Equal(5, reply.Instances.Count);
        Assert.Equal("", reply.NextPageToken);
    }

    [Theory]
    [InlineData(20, 10, new[] { 10, 10 })]
    [InlineData(20, 20, new[] { 20 })]
    [InlineData(20, 5000, new[] { 20 })]
    [InlineData(2, 1, new[] { 1, 1 })]
    public async Task A_last_page_filled_exactly_ends_the_walk_there(int instances, int pageSize, int[] pages)
    {
        var host = $"grpc-edge-{instances}-{pageSize}";
        await ReportAsync(host, instances);

        var walk = await WalkAsync(_farm.NativeStatus, new ListInstancesRequest { Host = host, PageSize = pageSize });

        Assert.Equal(pages, walk.Select(p => p.Instances.Count));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task State_filter_holds_on_every_page_and_counts_cover_every_page(string transport)
    {
        var host = $"grpc-paged-filter-{transport}";
        for (var n = 0; n < 12; n++)
        {
            await _farm.SendAsync(Farm.Report(host, $"{n}", rendering: n % 2 == 0));
        }

        var pages = await WalkAsync(Client(transport),
            new ListInstancesRequest { Host = host, State = RenderState.Rendering, PageSize = 4 });

        Assert.Equal([4, 2], pages.Select(p => p.Instances.Count));
        Assert.Equal(["0", "2", "4", "6", "8", "10"], pages.SelectMany(p => p.Instances).Select(i => i.Instance));
        Assert.All(pages, p => Assert.Equal((6u, 0u), (p.Rendering, p.Idle)));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Instances_that_come_and_go_mid_walk_make_it_skip_or_repeat_no_other(string transport)
    {
        var host = $"grpc-churn-{transport}";
        await ReportAsync(host, 30);
        var client = Client(transport);
        var first = await client.ListInstancesAsync(new ListInstancesRequest { Host = host, PageSize = 10 });
        var seen = first.Instances.Select(i => i.Instance).ToList();

        // Gone: one shown already, two still ahead. New: one before where the walk stands, two ahead of it.
        foreach (var gone in new[] { "3", "12", "25" })
        {
            Assert.True((await _farm.Native.SignOffAsync(new SignOffRequest { Host = host, Instance = gone, SessionId = "session-1" })).Removed);
        }

        foreach (var added in new[] { "5a", "12a", "99" })
        {
            await _farm.SendAsync(Farm.Report(host, added));
        }

        var rest = await WalkAsync(client, new ListInstancesRequest { Host = host, PageSize = 10, PageToken = first.NextPageToken });
        seen.AddRange(rest.SelectMany(p => p.Instances).Select(i => i.Instance));

        var survivors = Enumerable.Range(0, 30).Select(n => $"{n}").Except(["12", "25"]);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(survivors.Except(seen));
        Assert.Contains("12a", seen);
        Assert.Contains("99", seen);
        Assert.DoesNotContain("5a", seen);
    }

    [Theory]
    [InlineData("native", "garbage!", "page_token: not a page token from this server's previous reply")]
    [InlineData("grpc-web", "AAAA", "page_token: not a page token from this server's previous reply")]
    [InlineData("native", "other-host", "page_token: was made for a query with other filters or order")]
    [InlineData("grpc-web", "other-state", "page_token: was made for a query with other filters or order")]
    public async Task A_page_token_that_is_not_one_of_this_query_is_refused_in_one_line(string transport, string token, string message)
    {
        var host = $"grpc-bad-token-{transport}";
        await ReportAsync(host, 3);
        var first = await Client(transport).ListInstancesAsync(new ListInstancesRequest { Host = host, PageSize = 1 });
        var request = token switch
        {
            "other-host" => new ListInstancesRequest { Host = "grpc-other", PageToken = first.NextPageToken },
            "other-state" => new ListInstancesRequest { Host = host, State = RenderState.Idle, PageToken = first.NextPageToken },
            _ => new ListInstancesRequest { Host = host, PageToken = token },
        };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client(transport).ListInstancesAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(message, error.Status.Detail);
        Assert.DoesNotContain('\n', error.Status.Detail);
    }

    [Fact]
    public async Task A_negative_page_size_is_refused_naming_the_field()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _farm.NativeStatus.ListInstancesAsync(new ListInstancesRequest { PageSize = -1 }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("page_size: must not be negative, was -1", error.Status.Detail);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Get_returns_one_instance(string transport)
    {
        var host = $"grpc-get-{transport}";
        await _farm.SendAsync(Farm.Report(host, "3", frame: 7));

        var instance = await Client(transport).GetInstanceAsync(new GetInstanceRequest { Host = host, Instance = "3" });

        Assert.Equal((host, "3", RenderState.Idle, 7), (instance.Host, instance.Instance, instance.State, instance.CurrentFrame));
        Assert.False(instance.HasJobFrameStart);
        Assert.False(instance.HasProgress);
        Assert.Equal("/projects/shot010/lighting.blend", instance.BlendFile);
        Assert.InRange(instance.LastSeen.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.InRange(instance.AgeSeconds, 0, 30);
    }

    [Fact]
    public async Task Get_of_an_instance_that_does_not_report_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _farm.NativeStatus.GetInstanceAsync(new GetInstanceRequest { Host = "grpc-nobody", Instance = "0" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("grpc-nobody/0", error.Status.Detail);
    }

    [Theory]
    [InlineData("bad host", "0", "host:")]
    [InlineData("node17", "", "instance:")]
    public async Task Get_with_a_bad_identity_names_the_field(string host, string instance, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _farm.WebStatus.GetInstanceAsync(new GetInstanceRequest { Host = host, Instance = instance }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field, error.Status.Detail);
    }

    [Fact]
    public async Task List_with_an_unknown_state_names_the_field()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _farm.NativeStatus.ListInstancesAsync(new ListInstancesRequest { State = (RenderState)7 }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("state:", error.Status.Detail);
    }

    private async Task ReportAsync(string host, int instances)
    {
        for (var n = 0; n < instances; n++)
        {
            await _farm.SendAsync(Farm.Report(host, $"{n}"));
        }
    }

    /// <summary>Every page from <paramref name="request"/> on, following next_page_token until it comes back empty.</summary>
    private static async Task<List<ListInstancesReply>> WalkAsync(FarmStatus.FarmStatusClient client, ListInstancesRequest request)
    {
        var pages = new List<ListInstancesReply>();
        do
        {
            var page = await client.ListInstancesAsync(request);
            pages.Add(page);
            request.PageToken = page.NextPageToken;
            Assert.True(pages.Count < 1000, "the walk does not end");
        }
        while (request.PageToken != "");

        return pages;
    }

    private FarmStatus.FarmStatusClient Client(string transport) =>
        transport == "native" ? _farm.NativeStatus : _farm.WebStatus;
}
