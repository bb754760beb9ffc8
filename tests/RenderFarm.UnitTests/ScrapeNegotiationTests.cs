using RenderFarm.Server.Exposition;

namespace RenderFarm.UnitTests;

/// <summary>Which format and encoding /metrics answers a scraper with, from what it sends.</summary>
public class ScrapeNegotiationTests
{
    // What Prometheus 2.42 (Debian stable) and 3.5.3 (Debian sid) send by default, as captured from the real ones.
    private const string Prometheus2 = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private const string Prometheus3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    private const string Prometheus3ClassicOnly = "text/plain;version=0.0.4;q=0.2,*/*;q=0.1";

    [Theory]
    [InlineData(Prometheus2, ScrapeFormat.OpenMetrics)]
    [InlineData(Prometheus3, ScrapeFormat.OpenMetrics)]
    [InlineData(Prometheus3ClassicOnly, ScrapeFormat.Text)]
    [InlineData(null, ScrapeFormat.Text)]
    [InlineData("", ScrapeFormat.Text)]
    [InlineData("*/*", ScrapeFormat.Text)]
    [InlineData("text/plain", ScrapeFormat.Text)]
    [InlineData("application/openmetrics-text", ScrapeFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text; version=0.0.1", ScrapeFormat.Text)]
    [InlineData("text/plain;q=0.9, application/openmetrics-text;version=1.0.0;q=0.8", ScrapeFormat.Text)]
    [InlineData("text/plain;q=0.5, application/openmetrics-text;q=0.8", ScrapeFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=0", ScrapeFormat.Text)]
    [InlineData("application/json", ScrapeFormat.Text)]
    [InlineData("not a media type ;;;", ScrapeFormat.Text)]
    [InlineData("application/openmetrics-text; version=\"1.0.0\"", ScrapeFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text; version=\"0.0.1\"", ScrapeFormat.Text)]
    [InlineData("text/plain;q=0.5, application/openmetrics-text;q=high", ScrapeFormat.Text)]
    [InlineData("application/openmetrics-text;q=1.5, text/plain;q=0.1", ScrapeFormat.Text)]
    [InlineData("application/openmetrics-text;q=, text/plain;q=0.1", ScrapeFormat.Text)]
    [InlineData("application/openmetrics-text;q=2, text/plain;q=0.9", ScrapeFormat.Text)]
    [InlineData("text/plain;q=2, application/openmetrics-text;q=0.5", ScrapeFormat.OpenMetrics)]
    public void The_format_follows_the_scrapers_preference(string? accept, ScrapeFormat expected)
    {
        var (choice, error) = ScrapeNegotiation.Choose(null, accept, null);
        Assert.Null(error);
        Assert.Equal(expected, choice.Format);
    }

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("gzip, deflate, br", true)]
    [InlineData("identity", false)]
    [InlineData("br, zstd", false)]
    [InlineData("gzip;q=0", false)]
    [InlineData("*", true)]
    [InlineData("*, gzip;q=0", false)]
    [InlineData(null, false)]
    [InlineData("gzip;q=nope", false)]
    public void Gzip_when_accepted(string? acceptEncoding, bool gzip) =>
        Assert.Equal(gzip, ScrapeNegotiation.Choose(null, null, acceptEncoding).Choice.Gzip);

    [Theory]
    [InlineData("openmetrics", ScrapeFormat.OpenMetrics)]
    [InlineData("OpenMetrics", ScrapeFormat.OpenMetrics)]
    [InlineData("text", ScrapeFormat.Text)]
    [InlineData("prometheus", ScrapeFormat.Text)]
    public void The_format_parameter_wins_over_accept(string format, ScrapeFormat expected)
    {
        var (choice, error) = ScrapeNegotiation.Choose(format, Prometheus2, "gzip");
        Assert.Null(error);
        Assert.Equal((expected, true), (choice.Format, choice.Gzip));
    }

    [Fact]
    public void An_unknown_format_parameter_is_one_line_naming_the_choices_and_the_value()
    {
        var (_, error) = ScrapeNegotiation.Choose("json\nX-Injected: 1", null, null);
        Assert.Equal("format must be 'text' (Prometheus text 0.0.4) or 'openmetrics' (OpenMetrics 1.0), was 'json?X-Injected: 1'", error);
    }

    [Fact]
    public void Each_format_has_its_content_type()
    {
        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", new ScrapeChoice(ScrapeFormat.OpenMetrics, false).ContentType);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", new ScrapeChoice(ScrapeFormat.Text, true).ContentType);
    }

    [Fact]
    public async Task OpenMetrics_names_counter_families_without_total_and_the_samples_with_it()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid() with { FramesRendered = 3 });

        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0));
        await FarmExposition.WriteAsync(pipe.Writer, registry, CancellationToken.None, ScrapeFormat.OpenMetrics);
        await pipe.Writer.CompleteAsync();
        var lines = (await new StreamReader(pipe.Reader.AsStream()).ReadToEndAsync()).Split('\n');

        Assert.Contains("# TYPE blender_frames_rendered counter", lines);
        Assert.Contains("blender_frames_rendered_total{host=\"node01\",instance=\"0\"} 3", lines);
        Assert.Contains("# TYPE renderfarm_instances_expired counter", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("# TYPE", StringComparison.Ordinal) && l.Contains("_total ", StringComparison.Ordinal));
        // TYPE before HELP in OpenMetrics, as its examples write them.
        Assert.Equal(Array.IndexOf(lines, "# TYPE Blender_Render gauge") + 1, Array.FindIndex(lines, l => l.StartsWith("# HELP Blender_Render ", StringComparison.Ordinal)));
    }
}
