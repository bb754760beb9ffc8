using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace RenderFarm.StatusTests;

/// <summary>The farm page in a real browser: what a person at a wall screen sees.</summary>
public class FarmPageTests(PageFixture fixture, ITestOutputHelper output) : IClassFixture<PageFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly Farm _farm = fixture.Farm;

    [Fact]
    public async Task Report_sent_over_grpc_appears_in_the_table_without_a_reload()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        var requests = new ConcurrentBag<string>();
        var problems = new ConcurrentBag<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add(message.Text);
            }
        };
        await OpenAsync(page);
        await page.EvaluateAsync("() => { window.sameDocument = 'yes'; }");
        var row = page.Locator("tr[data-host='page-new'][data-instance='0']");
        Assert.Equal(0, await row.CountAsync());

        await _farm.SendAsync(Farm.Report("page-new", "0", rendering: true, frame: 42, job: (1, 250)));

        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Ms(Deadline) });
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.sameDocument"));
        await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync("rendering");
        await Assertions.Expect(row.Locator(".frame")).ToHaveTextAsync("42");
        var bar = row.GetByRole(AriaRole.Progressbar, new() { Name = "Job progress of page-new instance 0" });
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", "16");
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuetext", "frame 42 of 1–250, 16%");

        await _farm.SendAsync(Farm.Report("page-new", "0", rendering: true, frame: 126, job: (1, 250)));

        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", "50", new() { Timeout = Ms(Deadline) });
        await Assertions.Expect(row.Locator(".frame")).ToHaveTextAsync("126");
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.sameDocument"));
        Assert.All(requests, url => Assert.StartsWith(_farm.Server.HttpAddress.ToString(), url));
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Instance_that_expires_mid_render_leaves_the_table_and_is_listed_as_a_lost_render()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await OpenAsync(page);
        var row = page.Locator("tr[data-host='page-expiring']");

        await _farm.SendAsync(Farm.Report("page-expiring", rendering: true));
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Ms(Deadline) });
        var shownAt = DateTime.UtcNow;

        // TTL, the sweep (within 1 s) and one poll of the page (1 s), with room for a busy machine.
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = Ms(PageFixture.Ttl + Deadline) });
        output.WriteLine($"row gone {(DateTime.UtcNow - shownAt).TotalSeconds:F1} s after it was shown (TTL {PageFixture.Ttl.TotalSeconds} s)");

        // It was rendering: the page lists it among the lost renders (polled every fifth second).
        var lost = page.Locator("#lost-rows tr", new() { HasText = "page-expiring" });
        await Assertions.Expect(lost).ToBeVisibleAsync(new() { Timeout = Ms(Deadline) });
        await Assertions.Expect(lost).ToContainTextAsync("stopped reporting");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lost and failed renders" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_frame_under_way_shows_its_share_done_where_blender_tells_its_samples()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await OpenAsync(page);
        var report = Farm.Report("page-sampling", rendering: true, frame: 12, job: (1, 100));
        report.FrameElapsedSeconds = 40;
        report.ProgressAgeSeconds = 1;
        report.FrameSamplesDone = 176;
        report.FrameSamplesTotal = 256;
        await _farm.SendAsync(report);

        var row = page.Locator("tr[data-host='page-sampling']");
        await Assertions.Expect(row.Locator(".job .frame-progress")).ToHaveTextAsync("frame 69%", new() { Timeout = Ms(Deadline) });
        await Assertions.Expect(row.Locator("td.frame")).ToHaveTextAsync("12");
        await Assertions.Expect(row.Locator("td.frame")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("^frame started .+, last progress .+$"));
    }

    [Fact]
    public async Task A_render_its_blender_says_failed_is_listed_with_the_reason_it_gave()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await OpenAsync(page);

        await _farm.SendAsync(Farm.Report("page-failing", rendering: true));
        var failed = Farm.Report("page-failing");
        failed.RendersFailed = 1;
        failed.RenderFailure = "output not written: /farm/out/f0001.png (its folder is not writable)";
        await _farm.SendAsync(failed);

        var listed = page.Locator("#lost-rows tr", new() { HasText = "page-failing" });
        await Assertions.Expect(listed).ToBeVisibleAsync(new() { Timeout = Ms(Deadline) });
        await Assertions.Expect(listed).ToContainTextAsync("failed: output not written: /farm/out/f0001.png (its folder is not writable)");
    }

    [Fact]
    public async Task Table_filters_by_host_and_sorts_by_a_column()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await OpenAsync(page);
        using var heartbeat = Heartbeat(
            Farm.Report("page-sort-a", rendering: true, frame: 30),
            Farm.Report("page-sort-b", frame: 10),
            Farm.Report("page-sort-c", rendering: true, frame: 20));
        var rows = page.Locator("#rows tr[data-host^='page-sort-']");
        await Assertions.Expect(rows).ToHaveCountAsync(3, new() { Timeout = Ms(Deadline) });

        await page.GetByLabel("Host", new() { Exact = true }).FillAsync("sort-b");

        await Assertions.Expect(page.Locator("#rows tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#rows tr").First).ToHaveAttributeAsync("data-host", "page-sort-b");
        Assert.Contains("host=sort-b", page.Url);

        await page.GetByLabel("Host", new() { Exact = true }).FillAsync("page-sort");
        var frameHeader = page.Locator("th[data-sort='frame']");
        await frameHeader.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(frameHeader).ToHaveAttributeAsync("aria-sort", "ascending");
        await Assertions.Expect(rows.Locator(".frame")).ToHaveTextAsync(["10", "20", "30"]);

        await frameHeader.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(frameHeader).ToHaveAttributeAsync("aria-sort", "descending");
        await Assertions.Expect(rows.Locator(".frame")).ToHaveTextAsync(["30", "20", "10"]);
        await Assertions.Expect(page.Locator("th[data-sort='host']")).Not.ToHaveAttributeAsync("aria-sort", "ascending");

        await page.GetByLabel("State", new() { Exact = true }).SelectOptionAsync("idle");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-state", "idle");
    }

    [Fact]
    public async Task Bidi_and_format_characters_are_shown_escaped_as_the_check_shows_them()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        var report = Farm.Report("page-bidi", "0", rendering: true);
        report.BlendFile = "/shots/\u202egnp.exe";
        report.Scene = "zero\u200bwidth";
        using var heartbeat = Heartbeat(report);
        await OpenAsync(page);
        var file = page.Locator("#rows tr[data-host='page-bidi'] td.file");
        await Assertions.Expect(file).ToHaveCountAsync(1, new() { Timeout = Ms(Deadline) });

        // As text: a backslash and the code, never the override itself, which would turn "gnp.exe" into "exe.png".
        Assert.Equal("/shots/\\u202Egnp.exe", await file.InnerTextAsync());
        Assert.Equal("/shots/\\u202Egnp.exe (scene zero\\u200Bwidth)", await file.GetAttributeAsync("title"));
        Assert.DoesNotContain('\u202e', await page.ContentAsync());
    }

    [Fact]
    public async Task Page_has_accessible_table_headers_labels_and_summary()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        using var heartbeat = Heartbeat(
            Farm.Report("page-a11y", "0", rendering: true, frame: 5, job: (1, 9)),
            Farm.Report("page-a11y", "1"));
        await OpenAsync(page);
        await Assertions.Expect(page.Locator("#rows tr[data-host='page-a11y']")).ToHaveCountAsync(2, new() { Timeout = Ms(Deadline) });

        var headers = page.Locator("thead th");
        Assert.Equal(await headers.CountAsync(), await page.Locator("thead th[scope='col']").CountAsync());
        Assert.Equal(await page.Locator("#rows tr").CountAsync(), await page.Locator("#rows th[scope='row']").CountAsync());
        await Assertions.Expect(page.GetByRole(AriaRole.Searchbox, new() { Name = "Host" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "State" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "Job progress of page-a11y instance 0" })).ToBeVisibleAsync();
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        // The summary is fetched beside the rows, and may land a poll after them.
        await Assertions.Expect(page.Locator("#count-rendering")).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^0?$"), new() { Timeout = Ms(Deadline) });
        var rendering = int.Parse(await page.Locator("#count-rendering").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(rendering >= 1, $"rendering count {rendering}");
    }

    [Fact]
    public async Task Screenshot_of_a_busy_farm_is_kept()
    {
        var farm = new List<Contracts.V1.ReportRequest>();
        string[] files = ["/projects/shot010/lighting.blend", "/projects/shot020/fx_smoke.blend", "/projects/shot030/comp.blend"];
        for (var n = 1; n <= 8; n++)
        {
            var host = $"node{n:00}";
            var rendering = n is not (3 or 7);
            var start = 1 + (n % 3 * 100);
            var report = Farm.Report(host, "0", rendering: rendering, frame: start + (n * 29 % 97), job: (start, start + 99));
            report.BlendFile = files[n % files.Length];
            report.Engine = n % 4 == 0 ? "BLENDER_EEVEE" : "CYCLES";
            report.FramesRendered = (ulong)(n * 29 % 97);
            farm.Add(report);
        }

        var second = Farm.Report("node02", "1", rendering: true, frame: 1510, job: (1001, 1600));
        second.BlendFile = "/projects/shot040/crowd.blend";
        farm.Add(second);
        farm.Add(Farm.Report("node09", "0", frame: 1));
        using var heartbeat = Heartbeat([.. farm]);

        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await OpenAsync(page);
        // Only this farm: instances of other tests expire within the short TTL.
        await page.WaitForFunctionAsync("n => document.querySelectorAll('#rows tr').length === n", farm.Count, new() { Timeout = Ms(PageFixture.Ttl + Deadline) });
        await Assertions.Expect(page.Locator("#count-rendering")).ToHaveTextAsync("7");

        var path = Path.Combine(PageFixture.ResultsDirectory, "farm-page.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });

        Assert.True(new FileInfo(path).Length > 10_000, $"{path} is too small to show the farm");
        output.WriteLine($"screenshot: {path}");
    }

    private static float Ms(TimeSpan time) => (float)time.TotalMilliseconds;

    private Task<IBrowserContext> NewContextAsync() => fixture.Browser.NewContextAsync(new()
    {
        ViewportSize = new() { Width = 1600, Height = 900 },
        Locale = "en-GB",
        TimezoneId = "UTC",
    });

    private async Task OpenAsync(IPage page)
    {
        var response = await page.GotoAsync(_farm.Server.HttpAddress.ToString());
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.Locator("#connection")).ToContainTextAsync("Live", new() { Timeout = Ms(Deadline) });
    }

    /// <summary>Keeps instances alive past the short TTL while a test looks at them, as Blender's heartbeat does.</summary>
    private Heartbeats Heartbeat(params Contracts.V1.ReportRequest[] reports) => new(_farm, reports);

    private sealed class Heartbeats : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Heartbeats(Farm farm, Contracts.V1.ReportRequest[] reports)
        {
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    foreach (var report in reports)
                    {
                        report.Sequence += 1_000_000;
                        await farm.Native.ReportAsync(report);
                    }

                    await Task.Delay(500);
                }
            });
        }

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _loop.Wait();
            }
            catch (AggregateException)
            {
            }

            _stop.Dispose();
        }
    }
}
