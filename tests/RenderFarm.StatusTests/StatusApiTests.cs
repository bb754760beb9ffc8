using System.Globalization;
using System.Net;
using System.Text.Json;

namespace RenderFarm.StatusTests;

public class StatusApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Farm _farm = fixture.Farm;

    [Fact]
    public async Task Instances_carry_every_field_of_the_contract()
    {
        await _farm.SendAsync(Farm.Report("api-fields", "2", rendering: true, frame: 42, job: (1, 250)));

        var (status, body, contentType) = await _farm.GetJsonAsync("/api/instances?host=api-fields");

        Assert.Equal(200, status);
        Assert.Equal("application/json", contentType);
        var instance = Assert.Single(body.GetProperty("instances").EnumerateArray());
        Assert.Equal("api-fields", instance.GetProperty("host").GetString());
        Assert.Equal("2", instance.GetProperty("instance").GetString());
        Assert.Equal("rendering", instance.GetProperty("state").GetString());
        Assert.Equal(42, instance.GetProperty("currentFrame").GetInt32());
        var job = instance.GetProperty("job");
        Assert.Equal(1, job.GetProperty("frameStart").GetInt32());
        Assert.Equal(250, job.GetProperty("frameEnd").GetInt32());
        Assert.Equal(41.0 / 250, job.GetProperty("progress").GetDouble(), precision: 4);
        Assert.Equal(0ul, instance.GetProperty("framesRendered").GetUInt64());
        var lastSeen = DateTimeOffset.Parse(instance.GetProperty("lastSeen").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(lastSeen, DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.InRange(instance.GetProperty("ageSeconds").GetDouble(), 0, 30);
        Assert.Equal("3.4.1", instance.GetProperty("blenderVersion").GetString());
        Assert.Equal("CYCLES", instance.GetProperty("engine").GetString());
        Assert.Equal("/projects/shot010/lighting.blend", instance.GetProperty("file").GetString());
        Assert.Equal(30, body.GetProperty("ttlSeconds").GetDouble());
    }

    [Fact]
    public async Task A_long_file_path_is_cut_from_the_front_so_the_shot_and_file_name_show()
    {
        var report = Farm.Report("api-long-path", "0");
        report.BlendFile = "/mnt/projects/" + new string('x', 400) + "/shot020/lighting.blend";
        await _farm.SendAsync(report);

        var (_, body, _) = await _farm.GetJsonAsync("/api/hosts/api-long-path");

        var file = body.GetProperty("instances")[0].GetProperty("file").GetString()!;
        Assert.Equal(256, file.Length);
        Assert.StartsWith("…", file);
        Assert.EndsWith("/shot020/lighting.blend", file);
    }

    [Fact]
    public async Task Host_and_state_filters_select_instances_and_summary_counts_them()
    {
        await _farm.SendAsync(Farm.Report("api-filter-a", "0", rendering: true, job: (1, 10)));
        await _farm.SendAsync(Farm.Report("api-filter-a", "1"));
        await _farm.SendAsync(Farm.Report("api-filter-b", "0", rendering: true));

        var (_, host, _) = await _farm.GetJsonAsync("/api/instances?host=api-filter-a");
        var (_, rendering, _) = await _farm.GetJsonAsync("/api/instances?host=api-filter-a&state=rendering");
        var (_, idle, _) = await _farm.GetJsonAsync("/api/instances?state=IDLE&host=api-filter-a");

        Assert.Equal(["api-filter-a/0", "api-filter-a/1"], Names(host));
        Assert.Equal(2, host.GetProperty("summary").GetProperty("instances").GetInt32());
        Assert.Equal(1, host.GetProperty("summary").GetProperty("rendering").GetInt32());
        Assert.Equal(1, host.GetProperty("summary").GetProperty("idle").GetInt32());
        Assert.Equal(1, host.GetProperty("summary").GetProperty("hosts").GetInt32());
        Assert.Equal(["api-filter-a/0"], Names(rendering));
        Assert.Equal(["api-filter-a/1"], Names(idle));
    }

    [Fact]
    public async Task Pages_follow_their_next_links_to_the_end()
    {
        for (var n = 0; n < 25; n++)
        {
            await _farm.SendAsync(Farm.Report("api-walk", $"{n}"));
        }

        var pages = await WalkAsync("/api/instances?host=api-walk&pageSize=10");

        Assert.Equal([10, 10, 5], pages.Select(p => p.GetProperty("instances").GetArrayLength()));
        Assert.Equal(Enumerable.Range(0, 25).Select(n => $"api-walk/{n}"), pages.SelectMany(Names));
        Assert.All(pages[..2], p => Assert.StartsWith("/api/instances?host=api-walk&pageSize=10&pageToken=", p.GetProperty("next").GetString()));
        Assert.All(pages[..2], p => Assert.EndsWith(p.GetProperty("nextPageToken").GetString()!, p.GetProperty("next").GetString()));
        Assert.Equal(JsonValueKind.Null, pages[^1].GetProperty("next").ValueKind);
        Assert.Equal(JsonValueKind.Null, pages[^1].GetProperty("nextPageToken").ValueKind);
        Assert.All(pages, p => Assert.Equal(25, p.GetProperty("summary").GetProperty("instances").GetInt32()));
    }

    [Fact]
    public async Task A_list_without_a_page_size_answers_as_before_paging()
    {
        await _farm.SendAsync(Farm.Report("api-old-client", "0"));
        await _farm.SendAsync(Farm.Report("api-old-client", "1"));

        var (_, body, _) = await _farm.GetJsonAsync("/api/instances?host=api-old-client");

        Assert.Equal(["api-old-client/0", "api-old-client/1"], Names(body));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Search_state_and_order_hold_on_every_page()
    {
        for (var n = 0; n < 9; n++)
        {
            await _farm.SendAsync(Farm.Report($"api-search-{n}", rendering: n != 4, frame: 10 + (n * 7 % 9)));
        }

        await _farm.SendAsync(Farm.Report("api-other-0", rendering: true, frame: 99));

        var pages = await WalkAsync("/api/instances?hostContains=API-SEARCH&state=rendering&orderBy=currentFrame%20desc&pageSize=3");

        var frames = pages.SelectMany(p => p.GetProperty("instances").EnumerateArray()).Select(i => i.GetProperty("currentFrame").GetInt32()).ToList();
        Assert.Equal([3, 3, 2], pages.Select(p => p.GetProperty("instances").GetArrayLength()));
        Assert.Equal(frames.OrderDescending(), frames);
        Assert.DoesNotContain(99, frames);
        Assert.DoesNotContain(10 + (4 * 7 % 9), frames);
        Assert.Contains("orderBy=currentFrame%20desc", pages[0].GetProperty("next").GetString());
        Assert.All(pages, p => Assert.Equal(8, p.GetProperty("summary").GetProperty("rendering").GetInt32()));
        Assert.All(pages, p => Assert.Equal(8, p.GetProperty("summary").GetProperty("hosts").GetInt32()));
    }

    [Fact]
    public async Task Instances_that_come_and_go_mid_walk_make_it_skip_or_repeat_no_other()
    {
        for (var n = 0; n < 30; n++)
        {
            await _farm.SendAsync(Farm.Report("api-churn", $"{n}"));
        }

        var (_, first, _) = await _farm.GetJsonAsync("/api/instances?host=api-churn&pageSize=10");
        foreach (var gone in new[] { "3", "12", "25" })
        {
            await _farm.Native.SignOffAsync(new Contracts.V1.SignOffRequest { Host = "api-churn", Instance = gone, SessionId = "session-1" });
        }

        foreach (var added in new[] { "5a", "12a", "99" })
        {
            await _farm.SendAsync(Farm.Report("api-churn", added));
        }

        var seen = Names(first).Concat((await WalkAsync(first.GetProperty("next").GetString()!)).SelectMany(Names)).ToList();

        var survivors = Enumerable.Range(0, 30).Select(n => $"api-churn/{n}").Except(["api-churn/12", "api-churn/25"]);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(survivors.Except(seen));
        Assert.Contains("api-churn/12a", seen);
        Assert.Contains("api-churn/99", seen);
        Assert.DoesNotContain("api-churn/5a", seen);
    }

    [Fact]
    public async Task A_page_token_of_another_query_gets_400()
    {
        await _farm.SendAsync(Farm.Report("api-token-a", "0"));
        await _farm.SendAsync(Farm.Report("api-token-a", "1"));
        var (_, first, _) = await _farm.GetJsonAsync("/api/instances?host=api-token-a&pageSize=1");
        var token = Uri.EscapeDataString(first.GetProperty("nextPageToken").GetString()!);

        var (status, body, _) = await _farm.GetJsonAsync($"/api/instances?host=api-token-a&orderBy=file&pageToken={token}");
        var (same, _, _) = await _farm.GetJsonAsync($"/api/instances?host=api-token-a&pageSize=5&pageToken={token}");

        Assert.Equal(400, status);
        Assert.StartsWith("pageToken: was made for a query with other filters or order", body.GetProperty("detail").GetString());
        Assert.Equal(200, same);
    }

    [Fact]
    public async Task Summary_counts_the_farm_and_its_lost_renders()
    {
        await using var farm = await Farm.StartAsync(null, ("RenderFarm:InstanceTtl", "00:00:02"), ("RenderFarm:HeartbeatInterval", "00:00:01"));
        await farm.SendAsync(Farm.Report("sum-a", "0", rendering: true));
        await farm.SendAsync(Farm.Report("sum-a", "1"));
        await farm.SendAsync(Farm.Report("sum-b", "0"));
        await farm.SendAsync(Farm.Report("sum-lost", "0", rendering: true));

        var (status, before, contentType) = await farm.GetJsonAsync("/api/summary");

        Assert.Equal(200, status);
        Assert.Equal("application/json", contentType);
        var summary = before.GetProperty("summary");
        Assert.Equal((4, 2, 2, 3), (summary.GetProperty("instances").GetInt32(), summary.GetProperty("rendering").GetInt32(),
            summary.GetProperty("idle").GetInt32(), summary.GetProperty("hosts").GetInt32()));
        Assert.Equal((2, 1), (summary.GetProperty("hostsRendering").GetInt32(), summary.GetProperty("hostsIdle").GetInt32()));
        Assert.Equal(0, before.GetProperty("lostRenders").GetInt32());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastLostAt").ValueKind);
        Assert.Equal(2, before.GetProperty("ttlSeconds").GetDouble());

        // Every instance goes silent; the two that were rendering are lost renders.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        JsonElement after;
        do
        {
            await Task.Delay(200);
            after = (await farm.GetJsonAsync("/api/summary")).Body;
        }
        while (after.GetProperty("summary").GetProperty("instances").GetInt32() > 0 && DateTime.UtcNow < deadline);

        Assert.Equal(0, after.GetProperty("summary").GetProperty("instances").GetInt32());
        Assert.Equal(2, after.GetProperty("lostRenders").GetInt32());
        Assert.InRange(DateTimeOffset.Parse(after.GetProperty("lastLostAt").GetString()!, CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Host_endpoint_lists_the_hosts_instances()
    {
        await _farm.SendAsync(Farm.Report("api-host", "1"));
        await _farm.SendAsync(Farm.Report("api-host", "0", rendering: true));

        var (status, body, _) = await _farm.GetJsonAsync("/api/hosts/api-host");

        Assert.Equal(200, status);
        Assert.Equal("api-host", body.GetProperty("host").GetString());
        Assert.Equal(["api-host/0", "api-host/1"], Names(body));
        Assert.Equal(1, body.GetProperty("summary").GetProperty("rendering").GetInt32());
    }

    [Fact]
    public async Task Unknown_host_gets_404_with_a_json_error_body()
    {
        var (status, body, contentType) = await _farm.GetJsonAsync("/api/hosts/api-nobody");

        Assert.Equal(404, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Contains("api-nobody", body.GetProperty("detail").GetString());
        Assert.Equal(30, body.GetProperty("ttlSeconds").GetDouble());
    }

    [Theory]
    [InlineData("/api/instances?state=busy", "state")]
    [InlineData("/api/instances?host=node%2017", "host")]
    [InlineData("/api/instances?host=" + "x129", "host")]
    [InlineData("/api/hosts/node%2F17%3F", "host")]
    [InlineData("/api/instances?hostContains=" + "x129", "hostContains")]
    [InlineData("/api/instances?orderBy=frame", "orderBy")]
    [InlineData("/api/instances?orderBy=host%20upwards", "orderBy")]
    [InlineData("/api/instances?pageSize=-1", "pageSize")]
    [InlineData("/api/instances?pageSize=ten", "pageSize")]
    [InlineData("/api/instances?pageToken=garbage!", "pageToken")]
    [InlineData("/api/instances?pageToken=AAAA", "pageToken")]
    public async Task Bad_query_value_gets_400_naming_the_parameter(string path, string parameter)
    {
        path = path.Replace("x129", new string('x', 129), StringComparison.Ordinal);
        await _farm.SendAsync(Farm.Report("api-bad-input"));

        var (status, body, contentType) = await _farm.GetJsonAsync(path);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        var error = Assert.Single(body.GetProperty("errors").EnumerateObject());
        Assert.Equal(parameter, error.Name);
        Assert.StartsWith(parameter + ":", body.GetProperty("detail").GetString());
        // Nothing was lost: the farm still answers.
        Assert.Equal(200, (await _farm.GetJsonAsync("/api/hosts/api-bad-input")).Status);
    }

    [Fact]
    public async Task Openapi_document_describes_both_endpoints()
    {
        var (status, body, _) = await _farm.GetJsonAsync("/openapi.json");

        Assert.Equal(200, status);
        Assert.StartsWith("3.", body.GetProperty("openapi").GetString());
        var paths = body.GetProperty("paths");
        var list = paths.GetProperty("/api/instances").GetProperty("get");
        Assert.Equal(["host", "state", "hostContains", "orderBy", "pageSize", "pageToken"],
            list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var pageSize = list.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "pageSize");
        Assert.Equal("integer", pageSize.GetProperty("schema").GetProperty("type").GetString());
        Assert.True(list.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(paths.GetProperty("/api/summary").TryGetProperty("get", out _));
        var schemas = body.GetProperty("components").GetProperty("schemas");
        foreach (var field in new[] { "summary", "ttlSeconds", "instances", "nextPageToken", "next" })
        {
            Assert.True(schemas.GetProperty("InstanceList").GetProperty("properties").TryGetProperty(field, out _), field);
        }

        foreach (var field in new[] { "summary", "ttlSeconds", "lostRenders", "lastLostAt" })
        {
            Assert.True(schemas.GetProperty("FarmOverview").GetProperty("properties").TryGetProperty(field, out _), field);
        }

        foreach (var field in new[] { "instances", "rendering", "idle", "hosts", "hostsRendering", "hostsIdle" })
        {
            Assert.True(schemas.GetProperty("FarmSummary").GetProperty("properties").TryGetProperty(field, out _), field);
        }

        var host = paths.GetProperty("/api/hosts/{host}").GetProperty("get");
        Assert.True(host.GetProperty("responses").TryGetProperty("404", out _));
        var instance = body.GetProperty("components").GetProperty("schemas").GetProperty("InstanceStatus").GetProperty("properties");
        foreach (var field in new[] { "host", "instance", "state", "currentFrame", "job", "framesRendered", "lastSeen", "ageSeconds", "blenderVersion", "engine", "file" })
        {
            Assert.True(instance.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task Root_serves_metrics_to_scrapers_and_the_page_to_browsers()
    {
        await _farm.SendAsync(Farm.Report("api-root", rendering: true));

        var scraper = await GetRootAsync("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1");
        var curl = await GetRootAsync("*/*");
        var refusesHtml = await GetRootAsync("text/html;q=0, text/plain");
        var browser = await GetRootAsync("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        Assert.Equal(1, Exposition.Parse(scraper.Body).Instance("Blender_Render", "api-root", "0"));
        Assert.Equal(1, Exposition.Parse(curl.Body).Instance("Blender_Render", "api-root", "0"));
        Assert.Equal(1, Exposition.Parse(refusesHtml.Body).Instance("Blender_Render", "api-root", "0"));
        Assert.Equal("text/html", browser.ContentType);
        Assert.Contains("<table id=\"instances\"", browser.Body);
        Assert.Contains("Accept", browser.Vary);
        Assert.Contains("Accept", scraper.Vary);
    }

    [Theory]
    [InlineData("/farm/farm.js", "text/javascript")]
    [InlineData("/farm/farm.css", "text/css")]
    public async Task Page_assets_are_served_by_the_server_itself(string path, string mediaType)
    {
        using var response = await _farm.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsStringAsync());
    }

    private async Task<(string Body, string ContentType, string Vary)> GetRootAsync(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _farm.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType ?? "",
            string.Join(",", response.Headers.Vary));
    }

    /// <summary>Every page from <paramref name="path"/> on, following each page's next link.</summary>
    private async Task<List<JsonElement>> WalkAsync(string path)
    {
        var pages = new List<JsonElement>();
        for (string? next = path; next is not null;)
        {
            var (status, body, _) = await _farm.GetJsonAsync(next);
            Assert.Equal(200, status);
            pages.Add(body);
            next = body.GetProperty("next").GetString();
            Assert.True(pages.Count < 1000, "the walk does not end");
        }

        return pages;
    }

    private static string[] Names(JsonElement list) =>
        [.. list.GetProperty("instances").EnumerateArray()
            .Select(i => $"{i.GetProperty("host").GetString()}/{i.GetProperty("instance").GetString()}")];
}
