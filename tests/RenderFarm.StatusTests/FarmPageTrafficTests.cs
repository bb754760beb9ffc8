using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Playwright;
using RenderFarm.LoadGenerator;

namespace RenderFarm.StatusTests;

/// <summary>
/// The farm page on a wall screen of a farm of 10k instances, while the farm works: what it costs the network once
/// it is up. It fetches the summary and the page of instances it shows, not the farm.
/// </summary>
public sealed class FarmPageTrafficTests(FarmPageTrafficTests.BusyFarm fixture, ITestOutputHelper output)
    : IClassFixture<FarmPageTrafficTests.BusyFarm>
{
    private const int Instances = 10_000;
    private const double MaxBytesPerSecond = 100_000;
    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Page_of_a_10k_farm_fetches_under_100_KB_a_second_while_the_farm_works()
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 900 } });
        var page = await context.NewPageAsync();
        var finished = new ConcurrentQueue<(TimeSpan At, IRequest Request)>();
        var clock = Stopwatch.StartNew();
        page.RequestFinished += (_, request) => finished.Enqueue((clock.Elapsed, request));
        await page.GotoAsync(fixture.Farm.Server.HttpAddress.ToString());
        await Assertions.Expect(page.Locator("#count-instances")).ToHaveTextAsync($"{Instances}", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#rows tr")).ToHaveCountAsync(100);
        await Assertions.Expect(page.Locator("#page-next")).ToBeEnabledAsync();

        // Steady state: the page is up and polls while the farm renders frames and starts and ends jobs.
        using var stop = new CancellationTokenSource();
        await using var target = new ReporterTarget(new ServerAddress(fixture.Farm.Server.GrpcAddress, Transport.Grpc));
        var load = FarmLoad.RunAsync(target, fixture.Instances, new LoadSettings
        {
            // No Blender exits: the farm keeps its 10k for the other test, which counts on them.
            Populate = false, Concurrency = 2, Warmup = TimeSpan.Zero, Duration = Steady + TimeSpan.FromSeconds(2), ChurnRate = 0,
        }, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var from = clock.Elapsed;
        await Task.Delay(Steady);
        var until = clock.Elapsed;
        var reports = await load;

        var window = finished.Where(f => f.At >= from && f.At < until).Select(f => f.Request).ToList();
        long bytes = 0;
        foreach (var request in window)
        {
            var sizes = await request.SizesAsync();
            bytes += sizes.RequestHeadersSize + sizes.RequestBodySize + sizes.ResponseHeadersSize + sizes.ResponseBodySize;
        }

        var seconds = (until - from).TotalSeconds;
        var perSecond = bytes / seconds;
        var polls = window.Count(r => r.Url.Contains("/api/instances?", StringComparison.Ordinal));
        var unpaged = await UnpagedBytesAsync();
        output.WriteLine($"{window.Count} requests ({polls} polls) in {seconds:F1} s: {bytes:N0} bytes, {perSecond:N0} B/s, "
            + $"{bytes / Math.Max(polls, 1):N0} bytes a poll; the whole list would be {unpaged:N0} bytes a poll; "
            + $"{reports.Calls:N0} reports meanwhile ({reports.Errors} failed)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(PageFixture.ResultsDirectory, "farm-page-10k.png") });

        // It polled: a page that stopped would pass the byte count for nothing. A busy machine slows the polls
        // (each waits a second after the last answer), so the bytes of one poll must also fit in a second.
        Assert.True(polls >= seconds * 0.4, $"{polls} polls in {seconds:F1} s");
        Assert.True(reports.Calls > 1000, $"the farm hardly worked: {reports.Calls} reports");
        Assert.True(perSecond < MaxBytesPerSecond, $"{perSecond:N0} B/s, over {MaxBytesPerSecond:N0}");
        Assert.True(bytes / polls < MaxBytesPerSecond, $"{bytes / polls:N0} bytes a poll, over {MaxBytesPerSecond:N0}");
        await Assertions.Expect(page.Locator("#connection")).ToContainTextAsync("Live");
        await Assertions.Expect(page.Locator("#rows tr")).ToHaveCountAsync(100);
    }

    [Fact]
    public async Task Pages_of_a_10k_farm_are_sorted_searched_and_turned_over_the_whole_farm()
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.Farm.Server.HttpAddress.ToString());
        var rows = page.Locator("#rows tr");
        await Assertions.Expect(rows).ToHaveCountAsync(100, new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#page-previous")).ToBeDisabledAsync();
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-host", "node-00000");

        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();

        await Assertions.Expect(page.Locator("#shown")).ToContainTextAsync("101–200 of");
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-host", "node-00025");
        await Assertions.Expect(page.Locator("#page-position")).ToHaveTextAsync("Page 2 of 100");

        // Sorting is the farm's, not the page's: the highest frame of all 10k comes first, and the next page goes on below it.
        var frame = page.Locator("th[data-sort='frame']");
        await frame.GetByRole(AriaRole.Button).ClickAsync();
        await frame.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(frame).ToHaveAttributeAsync("aria-sort", "descending");
        await Assertions.Expect(page.Locator("#page-position")).ToHaveTextAsync("Page 1 of 100");
        var highest = fixture.Instances.Max(i => i.CurrentFrame);
        await page.WaitForFunctionAsync(
            "highest => { const f = [...document.querySelectorAll('#rows tr .frame')].map(e => +e.textContent); return f[0] === highest; }",
            highest);
        var first = await FramesAsync(page);
        Assert.Equal(first.OrderDescending(), first);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(page.Locator("#page-position")).ToHaveTextAsync("Page 2 of 100");
        var second = await FramesAsync(page);
        Assert.Equal(second.OrderDescending(), second);
        Assert.True(second[0] <= first[^1], $"page 2 starts at frame {second[0]}, page 1 ended at {first[^1]}");

        // A search of part of a host name: node-02490 to node-02499, four instances each, on one page.
        await page.GetByLabel("Host", new() { Exact = true }).FillAsync("NODE-0249");

        await Assertions.Expect(rows).ToHaveCountAsync(40);
        await Assertions.Expect(page.Locator("#shown")).ToHaveTextAsync($"40 of {Instances} instances shown");
        await Assertions.Expect(page.Locator("#pager")).ToBeHiddenAsync();
    }

    private static async Task<int[]> FramesAsync(IPage page) =>
        [.. (await page.Locator("#rows tr .frame").AllInnerTextsAsync()).Select(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>What one poll of the page cost before it paged: every instance, walked in pages of the API's largest size.</summary>
    private async Task<long> UnpagedBytesAsync()
    {
        long bytes = 0;
        for (string? next = "/api/instances?pageSize=1000"; next is not null;)
        {
            using var response = await fixture.Farm.Http.GetAsync(next);
            var body = await response.Content.ReadAsByteArrayAsync();
            bytes += body.Length;
            using var json = System.Text.Json.JsonDocument.Parse(body);
            next = json.RootElement.GetProperty("next").GetString();
        }

        return bytes;
    }

    /// <summary>A server holding a farm of 10k at work (half of it rendering), and a browser to look at it.</summary>
    public sealed class BusyFarm : IAsyncLifetime
    {
        private Chromium? _chromium;

        public Farm Farm { get; private set; } = null!;

        public IBrowser Browser => _chromium!.Browser;

        public SimulatedInstance[] Instances { get; } = FarmLoad.CreateFarm(FarmPageTrafficTests.Instances, "node", instancesPerHost: 4);

        public async Task InitializeAsync()
        {
            foreach (var (instance, n) in Instances.Select((instance, n) => (instance, n)))
            {
                instance.Rendering = n % 2 == 0;
                instance.JobFrameStart = 1001;
                instance.JobFrameEnd = 1250;
                instance.CurrentFrame = 1001 + (n % 250);
                instance.BlendFile = $"/mnt/projects/feature/seq{n % 40:D3}/shot{n % 400:D4}/lighting/shot{n % 400:D4}_lighting_v{n % 60:D3}.blend";
                instance.Job = $"seq{n % 40:D3}_shot{n % 400:D4}_lighting";
            }

            Farm = await LargeFarm.StartAsync(Instances);
            _chromium = await Chromium.LaunchAsync();
        }

        public async Task DisposeAsync()
        {
            if (_chromium is not null)
            {
                await _chromium.DisposeAsync();
            }

            if (Farm is not null)
            {
                await Farm.DisposeAsync();
            }
        }
    }
}
