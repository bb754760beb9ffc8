using System.Diagnostics;

namespace RenderFarm.IntegrationTests;

public class ExpiryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Instance_that_stops_reporting_is_gone_from_metrics_within_ttl_plus_one_second()
    {
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:InstanceTtl", "00:00:02"), ("RenderFarm:HeartbeatInterval", "00:00:01"));

        // The server takes the report's time somewhere between sending it and the reply: not gone before TTL after
        // the sending (a loaded machine can hold the reply back by hundreds of milliseconds), gone by TTL + 1 s after the reply.
        var sent = Stopwatch.StartNew();
        await farm.Native.ReportAsync(Farm.Report("expiring-node", rendering: true));
        var replied = Stopwatch.StartNew();
        Assert.Equal(1, (await farm.ScrapeAsync()).Instance("Blender_Render", "expiring-node", "0"));

        var scrape = await farm.ScrapeUntilAsync(
            s => s.Instance("Blender_Render", "expiring-node", "0") is null, Ttl + TimeSpan.FromSeconds(1.5));
        var (goneAfterSending, goneAfterReply) = (sent.Elapsed, replied.Elapsed);

        output.WriteLine($"gone {goneAfterSending.TotalMilliseconds:F0} ms after sending, {goneAfterReply.TotalMilliseconds:F0} ms after the reply (TTL {Ttl.TotalMilliseconds} ms)");
        Assert.True(goneAfterSending >= Ttl - TimeSpan.FromMilliseconds(100), $"gone {goneAfterSending} after sending, before its TTL");
        Assert.True(goneAfterReply <= Ttl + TimeSpan.FromSeconds(1), $"gone {goneAfterReply} after the reply");
        // Every series of the instance goes; what stays is the record that it went away mid-render.
        Assert.DoesNotContain(scrape.Samples, s => s.Label("host") == "expiring-node" && s.Name != "blender_render_lost_timestamp_seconds");
        Assert.Single(scrape.Series("blender_render_lost_timestamp_seconds", ("host", "expiring-node")));
        Assert.Equal(1, scrape.Value("renderfarm_renders_lost_total"));
        Assert.Equal(1, scrape.Value("renderfarm_instances_expired_total"));
        Assert.Equal(0, scrape.Value("renderfarm_instances_signed_off_total"));
    }

    [Fact]
    public async Task Heartbeats_keep_an_instance_past_its_ttl()
    {
        // Generous against a loaded machine: reports every 0.3 s, expiry after 2 s of silence.
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:InstanceTtl", "00:00:02"), ("RenderFarm:HeartbeatInterval", "00:00:00.5"));

        var alive = Stopwatch.StartNew();
        for (ulong sequence = 1; alive.Elapsed < TimeSpan.FromSeconds(4); sequence++)
        {
            await farm.Native.ReportAsync(Farm.Report("beating-node", sequence: sequence));
            await Task.Delay(300);
            Assert.NotNull((await farm.ScrapeAsync()).Instance("Blender_Render", "beating-node", "0"));
        }

        Assert.Equal(0, (await farm.ScrapeAsync()).Value("renderfarm_instances_expired_total"));
    }
}
