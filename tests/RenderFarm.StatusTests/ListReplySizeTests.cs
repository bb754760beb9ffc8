using RenderFarm.Contracts.V1;
using RenderFarm.LoadGenerator;

namespace RenderFarm.StatusTests;

/// <summary>
/// The largest farm the server holds by default (100k instances), every name and text as long as the server keeps
/// it, the texts in a script of three bytes a character: every page of the list stays small enough for a gRPC
/// client's default 4 MB receive limit, and a walk of the pages sees every instance once.
/// </summary>
public sealed class ListReplySizeTests(ListReplySizeTests.LongStringFarm fixture, ITestOutputHelper output)
    : IClassFixture<ListReplySizeTests.LongStringFarm>
{
    private const int Instances = 100_000;

    // The whole reply, counts, token and next address included.
    private const int MaxReplyBytes = 1024 * 1024;

    [Fact]
    public async Task Every_grpc_page_of_100k_long_instances_stays_under_the_limit_and_the_walk_sees_each_once()
    {
        // No page_size, as a client from before paging asks.
        var request = new ListInstancesRequest();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var (pages, largest, total) = (0, 0, 0L);
        do
        {
            var reply = await fixture.Farm.NativeStatus.ListInstancesAsync(request);
            var size = reply.CalculateSize();
            (pages, largest, total) = (pages + 1, Math.Max(largest, size), total + size);
            Assert.True(size <= MaxReplyBytes, $"page {pages}: {size:N0} bytes");
            Assert.All(reply.Instances, i => Assert.True(seen.Add($"{i.Host}/{i.Instance}"), $"{i.Host}/{i.Instance} twice"));
            Assert.Equal((uint)Instances, reply.Rendering + reply.Idle);
            request.PageToken = reply.NextPageToken;
        }
        while (request.PageToken != "");

        output.WriteLine($"gRPC: {pages} pages, largest {largest:N0} bytes, {total:N0} bytes in all");
        Assert.Equal(Instances, seen.Count);
    }

    [Fact]
    public async Task Every_json_page_of_100k_long_instances_stays_under_the_limit_and_the_walk_sees_each_once()
    {
        var seen = 0;
        var (pages, largest, total) = (0, 0, 0L);
        for (string? next = "/api/instances"; next is not null;)
        {
            using var response = await fixture.Farm.Http.GetAsync(next);
            var body = await response.Content.ReadAsByteArrayAsync();
            (pages, largest, total) = (pages + 1, Math.Max(largest, body.Length), total + body.Length);
            Assert.True(body.Length <= MaxReplyBytes, $"page {pages}: {body.Length:N0} bytes");
            using var json = System.Text.Json.JsonDocument.Parse(body);
            seen += json.RootElement.GetProperty("instances").GetArrayLength();
            next = json.RootElement.GetProperty("next").GetString();
        }

        output.WriteLine($"JSON: {pages} pages, largest {largest:N0} bytes, {total:N0} bytes in all");
        Assert.Equal(Instances, seen);
    }

    /// <summary>100k instances, 4 a host, with names of 128 and 32 characters and texts of 256, in CJK.</summary>
    public sealed class LongStringFarm : IAsyncLifetime
    {
        public Farm Farm { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var farm = Enumerable.Range(0, Instances)
                .Select(n => LargeFarm.Longest($"{new string('h', 121)}-{n / 4:D6}", $"{new string('i', 31)}{n % 4}", rendering: n % 2 == 0))
                .ToArray();
            Farm = await LargeFarm.StartAsync(farm);
        }

        public async Task DisposeAsync()
        {
            if (Farm is not null)
            {
                await Farm.DisposeAsync();
            }
        }
    }
}
