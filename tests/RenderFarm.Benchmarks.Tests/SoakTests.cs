using RenderFarm.Benchmarks.Soak;

namespace RenderFarm.Benchmarks.Tests;

public class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task One_minute_soak_keeps_memory_flat_expires_every_vanished_instance_and_leaves_nothing()
    {
        var result = await LoggedRun.RunAsync(output, log => SoakRun.RunAsync(SoakSettings.OneMinute, log, CancellationToken.None));

        output.WriteLine(result.Summary());
        Assert.True(result.Churned >= 900, $"only {result.Churned} instances churned");
        Assert.True(result.Counted.Count >= 3, $"{result.Counted.Count} memory readings");
        Assert.Empty(result.Failures());
    }
}
