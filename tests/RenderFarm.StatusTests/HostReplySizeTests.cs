using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using RenderFarm.LoadGenerator;

namespace RenderFarm.StatusTests;

/// <summary>
/// One host of 20,000 instances and 1,000 lost renders, every name and text as long as the server keeps it, in a
/// script of three bytes a character: each reply of /api/hosts/{host} and /api/lost-renders stays within 1 MiB, a walk
/// of the host's pages sees every instance once, the check, which reads a page of one, judges the whole host, and the
/// farm page says how many lost renders it does not show.
/// </summary>
public sealed class HostReplySizeTests(HostReplySizeTests.CrowdedHost fixture, ITestOutputHelper output)
    : IClassFixture<HostReplySizeTests.CrowdedHost>
{
    private const int Instances = 20_000;
    private const int Lost = 1_000;
    private const int MaxReplyBytes = 1024 * 1024;
    private static readonly string Host = new('h', 128);
    private static readonly string LostHost = new('l', 128);

    [Fact]
    public async Task Every_page_of_a_20k_instance_host_stays_within_1_MiB_and_the_walk_sees_each_once()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var (pages, largest) = (0, 0);
        for (string? next = $"/api/hosts/{Host}"; next is not null;)
        {
            using var response = await fixture.Farm.Http.GetAsync(next);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.IsSuccessStatusCode, $"{next}: HTTP {(int)response.StatusCode}");
            (pages, largest) = (pages + 1, Math.Max(largest, body.Length));
            Assert.True(body.Length <= MaxReplyBytes, $"page {pages}: {body.Length:N0} bytes");
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            Assert.Equal(Instances, root.GetProperty("summary").GetProperty("instances").GetInt32());
            Assert.Equal(Instances / 2, root.GetProperty("summary").GetProperty("rendering").GetInt32());
            Assert.InRange(root.GetProperty("oldestReportAgeSeconds").GetDouble(), 0, 600);
            foreach (var instance in root.GetProperty("instances").EnumerateArray())
            {
                Assert.Equal(Host, instance.GetProperty("host").GetString());
                Assert.True(seen.Add(instance.GetProperty("instance").GetString()!), "an instance twice");
            }

            next = root.GetProperty("next").GetString();
        }

        output.WriteLine($"{pages} pages, largest {largest:N0} bytes");
        Assert.Equal(Instances, seen.Count);
        Assert.True(pages > 1, "one page: the texts are not as long as the test means them");
    }

    [Fact]
    public async Task A_page_of_one_answers_for_the_whole_host_in_a_few_kilobytes()
    {
        var clock = Stopwatch.StartNew();
        var body = await fixture.Farm.Http.GetByteArrayAsync($"/api/hosts/{Host}?pageSize=1");
        output.WriteLine($"pageSize=1: {body.Length:N0} bytes in {clock.Elapsed.TotalMilliseconds:F0} ms (first request)");

        using var json = JsonDocument.Parse(body);
        Assert.Single(json.RootElement.GetProperty("instances").EnumerateArray());
        Assert.Equal(Instances, json.RootElement.GetProperty("summary").GetProperty("instances").GetInt32());
        Assert.True(body.Length < 16 * 1024, $"{body.Length:N0} bytes");
    }

    [Fact]
    public async Task The_check_of_the_host_reads_a_page_of_one_and_counts_every_instance()
    {
        var (exit, line) = await CheckProcess.CheckAsync(output, fixture.Farm.Server.HttpAddress, "--host", Host);

        Assert.Equal(0, exit);
        Assert.StartsWith($"RENDERFARM OK - {Host} {Instances} instances ({Instances / 2} rendering, {Instances / 2} idle)", line);
    }

    [Fact]
    public async Task The_check_finds_one_instance_among_20k_and_names_ten_others_when_it_is_missing()
    {
        var (found, foundLine) = await CheckProcess.CheckAsync(output, fixture.Farm.Server.HttpAddress,
            "--host", Host, "--instance", InstanceName(12_344), "--expect", "idle");
        var (missing, missingLine) = await CheckProcess.CheckAsync(output, fixture.Farm.Server.HttpAddress,
            "--host", Host, "--instance", "no-such-instance");

        Assert.Equal(0, found);
        Assert.StartsWith($"RENDERFARM OK - {Host}/{InstanceName(12_344)} idle, frame 1", foundLine);
        Assert.Equal(2, missing);
        Assert.Contains($"; {Host} has instance(s) {InstanceName(0)}, ", missingLine);
        Assert.Contains($"{InstanceName(9)} and {Instances - 10} more", missingLine);
        Assert.DoesNotContain(InstanceName(10) + ",", missingLine);
    }

    [Fact]
    public async Task A_thousand_long_lost_renders_keep_the_newest_that_fit_in_1_MiB_and_count_the_rest()
    {
        var body = await fixture.Farm.Http.GetByteArrayAsync("/api/lost-renders");
        output.WriteLine($"lost renders: {body.Length:N0} bytes");

        Assert.True(body.Length <= MaxReplyBytes, $"{body.Length:N0} bytes");
        using var json = JsonDocument.Parse(body);
        var shown = json.RootElement.GetProperty("lostRenders").EnumerateArray().ToArray();
        var omitted = json.RootElement.GetProperty("omitted").GetInt32();
        Assert.Equal(Lost, shown.Length + omitted);
        Assert.True(omitted > 0, "nothing omitted: the texts are not as long as the test means them");
        Assert.All(shown, lost => Assert.Equal(LostHost, lost.GetProperty("host").GetString()));
        Assert.True(body.Length > MaxReplyBytes - (4 * 1024), $"{body.Length:N0} bytes: more would have fit");
    }

    [Fact]
    public async Task The_farm_page_lists_the_lost_renders_that_fit_and_says_how_many_older_are_not_shown()
    {
        using var json = JsonDocument.Parse(await fixture.Farm.Http.GetByteArrayAsync("/api/lost-renders"));
        var shown = json.RootElement.GetProperty("lostRenders").GetArrayLength();
        var omitted = json.RootElement.GetProperty("omitted").GetInt32();
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(fixture.Farm.Server.HttpAddress.ToString());

        await Assertions.Expect(page.Locator("#lost-rows tr")).ToHaveCountAsync(shown, new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#lost-omitted")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#lost-omitted")).ToHaveTextAsync($"{omitted} older not shown.");
    }

    private static string InstanceName(int n) => $"{new string('i', 27)}{n:D5}";

    /// <summary>Host <see cref="Host"/> with 20,000 instances, half rendering; host <see cref="LostHost"/> with 1,000 renders lost by a restart.</summary>
    public sealed class CrowdedHost : IAsyncLifetime
    {
        private Chromium? _chromium;

        public Farm Farm { get; private set; } = null!;

        public IBrowser Browser => _chromium!.Browser;

        public async Task InitializeAsync()
        {
            _chromium = await Chromium.LaunchAsync();
            var crowded = Enumerable.Range(0, Instances).Select(n => LargeFarm.Longest(Host, InstanceName(n), rendering: n % 2 == 1));
            var lost = Enumerable.Range(0, Lost).Select(n => LargeFarm.Longest(LostHost, InstanceName(n), rendering: true)).ToArray();
            Farm = await LargeFarm.StartAsync([.. crowded, .. lost]);

            // Each Blender starts again while it renders: a new session takes the instance over, the old one's render is lost.
            await using var target = new ReporterTarget(new ServerAddress(Farm.Server.GrpcAddress, Transport.Grpc), connections: 4);
            foreach (var instance in lost)
            {
                instance.Restart();
            }

            Assert.Equal(0, await FarmLoad.PopulateAsync(target, lost, concurrency: 64, CancellationToken.None));
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
