using Grpc.Core;
using RenderFarm.Testing;
using Xunit.Abstractions;

namespace RenderFarm.IntegrationTests;

public class TokenTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_tokens_set_only_bearers_of_one_of_them_may_report()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:Tokens:0"] = "current-token",
            ["RenderFarm:Tokens:1"] = "next-token",
        }, output);
        using var farm = new Farm(server);

        foreach (var client in new[] { farm.Native, farm.GrpcWeb })
        {
            foreach (var headers in new[] { null, Farm.Bearer("wrong-token"), new Metadata { { "authorization", "current-token" } } })
            {
                var error = await Assert.ThrowsAsync<RpcException>(() =>
                    client.ReportAsync(Farm.Report("intruder"), headers).ResponseAsync);
                Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
                Assert.StartsWith("authorization:", error.Status.Detail);
            }
        }

        Assert.DoesNotContain((await farm.ScrapeAsync()).Samples, s => s.Label("host") == "intruder");

        Assert.True((await farm.Native.ReportAsync(Farm.Report("trusted", instance: "a"), Farm.Bearer("current-token"))).Applied);
        Assert.True((await farm.GrpcWeb.ReportAsync(Farm.Report("trusted", instance: "b"), Farm.Bearer("next-token"))).Applied);
        var scrape = await farm.ScrapeAsync();
        Assert.NotNull(scrape.Instance("Blender_Render", "trusted", "a"));
        Assert.NotNull(scrape.Instance("Blender_Render", "trusted", "b"));
        Assert.DoesNotContain(server.Log, line => line.Contains("current-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_off_needs_a_token_too()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:Tokens:0"] = "only-token",
        }, output);
        using var farm = new Farm(server);
        await farm.Native.ReportAsync(Farm.Report("guarded"), Farm.Bearer("only-token"));

        var error = await Assert.ThrowsAsync<RpcException>(() => farm.Native.SignOffAsync(
            new() { Host = "guarded", Instance = "0", SessionId = "session-1" }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.NotNull((await farm.ScrapeAsync()).Instance("Blender_Render", "guarded", "0"));
    }
}
