using Grpc.Core;

namespace RenderFarm.IntegrationTests;

public class LimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task New_instance_beyond_max_instances_is_refused_while_known_ones_keep_reporting()
    {
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:MaxInstances", "2"));
        await farm.Native.ReportAsync(Farm.Report("full-node", instance: "0"));
        await farm.Native.ReportAsync(Farm.Report("full-node", instance: "1"));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            farm.Native.ReportAsync(Farm.Report("full-node", instance: "2")).ResponseAsync);
        var known = await farm.Native.ReportAsync(Farm.Report("full-node", instance: "1", rendering: true));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("MaxInstances", error.Status.Detail);
        Assert.True(known.Applied);
        var scrape = await farm.ScrapeAsync();
        Assert.Null(scrape.Instance("Blender_Render", "full-node", "2"));
        Assert.Equal(1, scrape.Instance("Blender_Render", "full-node", "1"));
    }
}
