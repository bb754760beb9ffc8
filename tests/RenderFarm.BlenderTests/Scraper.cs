using System.Diagnostics;

namespace RenderFarm.BlenderTests;

/// <summary>Reads the server's /metrics the way Prometheus does, parsed strictly.</summary>
public sealed class Scraper(ServerProcess server, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = new(handler ?? new HttpClientHandler())
    {
        BaseAddress = server.HttpAddress,
        Timeout = TimeSpan.FromSeconds(10),
    };

    public async Task<Exposition> ScrapeAsync()
    {
        using var response = await _http.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return Exposition.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls until <paramref name="condition"/> holds; throws with the last scrape's lines for the host otherwise.</summary>
    public async Task<Exposition> UntilAsync(Func<Exposition, bool> condition, TimeSpan deadline, string what)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            var scrape = await ScrapeAsync();
            if (condition(scrape))
            {
                return scrape;
            }

            if (elapsed.Elapsed > deadline)
            {
                var seen = string.Join("\n", scrape.Samples.Where(s => s.Labels.ContainsKey("host"))
                    .Select(s => $"{s.Name}{{{string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}"));
                throw new TimeoutException($"not within {deadline}: {what}\n{seen}");
            }

            await Task.Delay(20);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Blender finished its render: every frame reported, the instance idle; then it exits cleanly.</summary>
    public async Task AssertRenderedThenExitsAsync(BlenderRun blender, string host, int frames, TimeSpan deadline)
    {
        await blender.WaitForLineAsync(l => l == "renderfarm-test: waiting", deadline);
        // The last frame and the render's end go out as two reports, one right after the other.
        await UntilAsync(s => s.Instance("blender_frames_rendered_total", host, "0") == frames && s.Instance("Blender_Render", host, "0") == 0,
            TimeSpan.FromSeconds(5), $"idle with {frames} frames reported");
        Assert.Equal(0, await blender.ReleaseAsync(deadline));
    }
}
