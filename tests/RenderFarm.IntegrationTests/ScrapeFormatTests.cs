using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace RenderFarm.IntegrationTests;

/// <summary>/metrics over real HTTP: the classic text by default, OpenMetrics 1.0 when asked, gzip when accepted.</summary>
public class ScrapeFormatTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    // As Prometheus 3.5.3 sends it by default.
    private const string Prometheus3Accept = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    // Debian's prometheus_client: an independent, strict reader of OpenMetrics (names, types, histogram order, # EOF).
    private const string OpenMetricsCheck = """
        import sys
        from prometheus_client.openmetrics.parser import text_string_to_metric_families
        families = list(text_string_to_metric_families(sys.stdin.read()))
        print(len(families), sum(len(f.samples) for f in families))
        """;

    private readonly Farm _farm = fixture.Farm;

    [Fact]
    public async Task Gzip_when_accepted_decompresses_to_the_same_series_as_the_plain_answer()
    {
        await ReportOddFarmAsync("gzip-node");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await _farm.Http.SendAsync(request);
        var compressed = await response.Content.ReadAsByteArrayAsync();
        var plain = Exposition.Parse(await _farm.ScrapeTextAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        var text = await new StreamReader(new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress)).ReadToEndAsync();
        var unzipped = Exposition.Parse(text);
        Assert.True(compressed.Length * 3 < text.Length, $"{compressed.Length} bytes compressed from {text.Length}");
        Assert.Equal(Farmed(plain), Farmed(unzipped));
    }

    [Fact]
    public async Task Prometheus_3s_default_accept_gets_openmetrics_that_a_strict_reader_accepts()
    {
        await ReportOddFarmAsync("om-node");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", Prometheus3Accept);
        using var response = await _farm.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.EndsWith("\n# EOF\n", text, StringComparison.Ordinal);
        Assert.Equal(1, text.Split('\n').Count(l => l == "# EOF"));
        Assert.Contains("# TYPE blender_frames_rendered counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE blender_frame_render_seconds histogram\n", text, StringComparison.Ordinal);
        var (exitCode, output) = await Tools.RunAsync("/usr/bin/python3", ["-c", OpenMetricsCheck], stdin: text);
        Assert.True(exitCode == 0, $"prometheus_client's OpenMetrics parser refused the scrape:\n{output}");
    }

    [Theory]
    [InlineData("?format=openmetrics", "application/openmetrics-text; version=1.0.0; charset=utf-8")]
    [InlineData("?format=text", "text/plain; version=0.0.4; charset=utf-8")]
    [InlineData("", "text/plain; version=0.0.4; charset=utf-8")]
    public async Task Curl_chooses_with_the_format_parameter(string query, string contentType)
    {
        using var response = await _farm.Http.GetAsync("/metrics" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task An_unknown_format_is_a_400_with_one_line_naming_it()
    {
        using var response = await _farm.Http.GetAsync("/metrics?format=json");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("format must be 'text' (Prometheus text 0.0.4) or 'openmetrics' (OpenMetrics 1.0), was 'json'\n",
            await response.Content.ReadAsStringAsync());
    }

    /// <summary>Instances with every kind of family and awkward label values, and frames on their hosts.</summary>
    private async Task ReportOddFarmAsync(string prefix)
    {
        for (var i = 0; i < 3; i++)
        {
            var report = Farm.Report($"{prefix}{i}", rendering: i == 0, job: (1, 10));
            report.Engine = "odd \"engine\" \\ with\nnewline ü";
            report.Job = "shot \"010\"";
            report.FrameSecondsCounts.Add([1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
            report.FrameSecondsSum = 9000.5;
            report.FramePeakMemoryBytes = 1_000_000;
            report.RendersCompleted = 2;
            await _farm.SendAsync(report);
        }
    }

    /// <summary>The samples of the farm (not the server's own process metrics, which move between two scrapes).</summary>
    private static List<string> Farmed(Exposition scrape) =>
        [.. scrape.Samples
            .Where(s => (s.Name.StartsWith("blender_", StringComparison.OrdinalIgnoreCase) || s.Name.StartsWith("renderfarm_", StringComparison.Ordinal))
                && s.Name is not "blender_instance_last_seen_timestamp_seconds" and not "renderfarm_scrapes_total")
            .Select(s => $"{s.Name}{{{string.Join(',', s.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}")
            .Order()];
}
