using Grpc.Core;
using RenderFarm.Contracts.V1;
using RenderFarm.Testing;
using Xunit.Abstractions;

namespace RenderFarm.IntegrationTests;

/// <summary>Tokens scoped to hosts in RenderFarm:TokensFile: a node's token writes for that node only.</summary>
public sealed class ScopedTokenTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("renderfarm-scoped-").FullName;

    [Fact]
    public async Task Scoped_token_cannot_report_or_sign_off_for_another_host()
    {
        var tokensFile = Path.Combine(_directory, "tokens");
        await File.WriteAllLinesAsync(tokensFile, ["render-token render-*", "gpu07-token gpu-07"]);
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:TokensFile"] = tokensFile,
        }, output);
        using var farm = new Farm(server);
        var victim = Farm.Report("gpu-07", sequence: 100, session: "victim", rendering: true);
        victim.FramesRendered = 100;
        Assert.True((await farm.Native.ReportAsync(victim, Farm.Bearer("gpu07-token"))).Applied);
        var before = await farm.SeriesOfHostAsync("gpu-07");

        foreach (var client in new[] { farm.Native, farm.GrpcWeb })
        {
            var takeover = await Assert.ThrowsAsync<RpcException>(() => client.ReportAsync(
                Farm.Report("gpu-07", session: "intruder"), Farm.Bearer("render-token")).ResponseAsync);
            var signOff = await Assert.ThrowsAsync<RpcException>(() => client.SignOffAsync(
                new SignOffRequest { Host = "gpu-07", Instance = "0", SessionId = "victim" }, Farm.Bearer("render-token")).ResponseAsync);

            Assert.Equal(StatusCode.PermissionDenied, takeover.StatusCode);
            Assert.Equal(StatusCode.PermissionDenied, signOff.StatusCode);
            Assert.StartsWith("host:", takeover.Status.Detail);
        }

        Assert.Equal(before, await farm.SeriesOfHostAsync("gpu-07"));
        Assert.True((await farm.Native.ReportAsync(Farm.Report("render-01"), Farm.Bearer("render-token"))).Applied);
        Assert.DoesNotContain(server.Log, line => line.Contains("render-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Late_report_from_a_replaced_blender_does_not_replace_its_successor()
    {
        await using var server = await ServerProcess.StartAsync(output: output);
        using var farm = new Farm(server);
        await farm.Native.ReportAsync(Farm.Report("restarted", sequence: 100, session: "first-process"));
        await farm.Native.ReportAsync(Farm.Report("restarted", sequence: 1, session: "second-process", rendering: true));

        var late = await farm.GrpcWeb.ReportAsync(Farm.Report("restarted", sequence: 101, session: "first-process"));
        var signOff = await farm.Native.SignOffAsync(new SignOffRequest { Host = "restarted", Instance = "0", SessionId = "first-process" });

        Assert.False(late.Applied);
        Assert.False(signOff.Removed);
        Assert.Equal(1, (await farm.ScrapeAsync()).Instance("Blender_Render", "restarted", "0"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
