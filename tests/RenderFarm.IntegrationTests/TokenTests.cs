using Grpc.Core;
using RenderFarm.Contracts.V1;

namespace RenderFarm.IntegrationTests;

/// <summary>Who may report: the tokens of RenderFarm:Tokens, and those of RenderFarm:TokensFile, scoped to hosts and rotated while instances report.</summary>
public sealed class TokenTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("renderfarm-tokens-").FullName;

    [Fact]
    public async Task With_tokens_set_only_bearers_of_one_of_them_may_report()
    {
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:Tokens:0", "current-token"), ("RenderFarm:Tokens:1", "next-token"));

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
        Assert.DoesNotContain(farm.Server.Log, line => line.Contains("current-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_off_needs_a_token_too()
    {
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:Tokens:0", "only-token"));
        await farm.Native.ReportAsync(Farm.Report("guarded"), Farm.Bearer("only-token"));

        var error = await Assert.ThrowsAsync<RpcException>(() => farm.Native.SignOffAsync(
            new() { Host = "guarded", Instance = "0", SessionId = "session-1" }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.NotNull((await farm.ScrapeAsync()).Instance("Blender_Render", "guarded", "0"));
    }

    [Fact]
    public async Task Scoped_token_cannot_report_or_sign_off_for_another_host()
    {
        var tokensFile = Path.Combine(_directory, "tokens");
        await File.WriteAllLinesAsync(tokensFile, ["render-token render-*", "gpu07-token gpu-07"]);
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:TokensFile", tokensFile));
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
        Assert.DoesNotContain(farm.Server.Log, line => line.Contains("render-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tokens_rotate_through_the_tokens_file_while_instances_keep_reporting()
    {
        var tokensFile = Path.Combine(_directory, "tokens");
        await ReplaceAsync(tokensFile, "old-token");
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:TokensFile", tokensFile));

        var token = "old-token";
        var failures = new List<string>();
        ulong sequence = 0;
        var rounds = 0;
        using var stop = new CancellationTokenSource();
        var reporters = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < 5; i++)
                {
                    try
                    {
                        await farm.Native.ReportAsync(Farm.Report("rotating", instance: $"{i}", sequence: ++sequence),
                            Farm.Bearer(Volatile.Read(ref token)));
                    }
                    catch (RpcException e)
                    {
                        lock (failures)
                        {
                            failures.Add(e.Status.ToString());
                        }
                    }
                }

                Interlocked.Increment(ref rounds);
                await Task.Delay(20);
            }
        });

        // Two whole rounds of the five reporters after now: each has reported at least once with the token set before.
        async Task TwoMoreRoundsAsync()
        {
            var from = Volatile.Read(ref rounds);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (Volatile.Read(ref rounds) < from + 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "the reporters stopped reporting");
                await Task.Delay(10);
            }
        }

        // Rotation the way a Secret is updated: first both tokens, reporters move over, then only the new one.
        await ReplaceAsync(tokensFile, "old-token\nnew-token");
        await WaitUntilAcceptedAsync(farm, "new-token", expected: true);
        Volatile.Write(ref token, "new-token");
        await TwoMoreRoundsAsync();
        await ReplaceAsync(tokensFile, "new-token");
        await WaitUntilAcceptedAsync(farm, "old-token", expected: false);
        await TwoMoreRoundsAsync();

        await stop.CancelAsync();
        await reporters;
        Assert.Empty(failures);
        var scrape = await farm.ScrapeAsync();
        Assert.Equal(5, scrape.Series("Blender_Render", ("host", "rotating")).Count());
        Assert.DoesNotContain(farm.Server.Log, line => line.Contains("new-token", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task WaitUntilAcceptedAsync(Farm farm, string token, bool expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            bool accepted;
            try
            {
                await farm.Native.ReportAsync(Farm.Report("probe", instance: token), Farm.Bearer(token));
                accepted = true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
            {
                accepted = false;
            }

            if (accepted == expected)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"token {token} accepted={accepted} after 10 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Writes beside, then renames over: readers never see a half-written file.</summary>
    private static async Task ReplaceAsync(string path, string content)
    {
        var temporary = path + ".new";
        await File.WriteAllTextAsync(temporary, content + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}
