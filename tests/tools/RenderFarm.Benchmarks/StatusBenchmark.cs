using System.Diagnostics;
using System.Text.Json;

namespace RenderFarm.Benchmarks;

/// <summary>The first page of <c>/api/instances</c> and a walk of every page, following <c>next</c>.</summary>
public sealed record StatusFigure(int Instances, TimeSpan FirstPage, long FirstPageBytes, TimeSpan Walk, long WalkBytes, int Pages, int Listed);

/// <summary>What the farm page fetches every second: the summary and the hundred rows it shows.</summary>
public sealed record PagePollFigure(int Instances, long BytesPerPoll, TimeSpan PollTime)
{
    /// <summary>The page polls again a second after the previous poll ended.</summary>
    public double BytesPerSecond => BytesPerPoll / (1 + PollTime.TotalSeconds);
}

/// <summary>The status API read at farm scale, as a client walking it and as the farm page polling it.</summary>
public static class StatusBenchmark
{
    /// <summary>The farm page's poll (server/StatusApi/Page/farm.js): its summary and its first page of rows, sorted by host.</summary>
    private static readonly string[] PagePoll = ["/api/summary", "/api/instances?pageSize=100"];

    public static async Task<StatusFigure> WalkAsync(Uri server, int instances, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
        await GetAsync(http, "/api/instances", cancellationToken); // unmeasured: the path warms up
        var (firstPage, firstBytes) = await TimedAsync(http, "/api/instances", cancellationToken);

        var walk = Stopwatch.StartNew();
        var (pages, listed, bytes) = (0, 0, 0L);
        for (string? next = "/api/instances"; next is not null; pages++)
        {
            var body = await GetAsync(http, next, cancellationToken);
            bytes += body.Length;
            using var page = JsonDocument.Parse(body);
            listed += page.RootElement.GetProperty("instances").GetArrayLength();
            next = page.RootElement.GetProperty("next").GetString();
        }

        return new StatusFigure(instances, firstPage, firstBytes, walk.Elapsed, bytes, pages, listed);
    }

    /// <summary>The page's poll, several times: bytes of one poll (the last) and its median time.</summary>
    public static async Task<PagePollFigure> PagePollAsync(Uri server, int instances, int polls, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(1) };
        var times = new List<TimeSpan>();
        long bytes = 0;
        for (var i = 0; i <= polls; i++)
        {
            var poll = Stopwatch.StartNew();
            var answers = await Task.WhenAll(PagePoll.Select(address => GetAsync(http, address, cancellationToken)));
            if (i > 0)
            {
                times.Add(poll.Elapsed);
                bytes = answers.Sum(a => (long)a.Length);
            }
        }

        times.Sort();
        return new PagePollFigure(instances, bytes, Quantiles.Of(times, 0.5));
    }

    private static async Task<(TimeSpan Elapsed, long Bytes)> TimedAsync(HttpClient http, string address, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var body = await GetAsync(http, address, cancellationToken);
        return (clock.Elapsed, body.Length);
    }

    private static async Task<byte[]> GetAsync(HttpClient http, string address, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(address, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }
}
