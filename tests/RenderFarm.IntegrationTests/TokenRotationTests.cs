using Grpc.Core;
using RenderFarm.Testing;
using Xunit.Abstractions;

namespace RenderFarm.IntegrationTests;

public sealed class TokenRotationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("renderfarm-rotation-").FullName;

    [Fact]
    public async Task Tokens_rotate_through_the_tokens_file_while_instances_keep_reporting()
    {
        var tokensFile = Path.Combine(_directory, "tokens");
        await ReplaceAsync(tokensFile, "old-token");
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:TokensFile"] = tokensFile,
        }, output);
        using var farm = new Farm(server);

        var token = "old-token";
        var failures = new List<string>();
        ulong sequence = 0;
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

                await Task.Delay(20);
            }
        });

        // Rotation the way a Secret is updated: first both tokens, reporters move over, then only the new one.
        await ReplaceAsync(tokensFile, "old-token\nnew-token");
        await WaitUntilAcceptedAsync(farm, "new-token", expected: true);
        Volatile.Write(ref token, "new-token");
        await Task.Delay(200);
        await ReplaceAsync(tokensFile, "new-token");
        await WaitUntilAcceptedAsync(farm, "old-token", expected: false);
        await Task.Delay(200);

        await stop.CancelAsync();
        await reporters;
        Assert.Empty(failures);
        var scrape = await farm.ScrapeAsync();
        Assert.Equal(5, scrape.Series("Blender_Render", ("host", "rotating")).Count());
        Assert.DoesNotContain(server.Log, line => line.Contains("new-token", StringComparison.Ordinal));
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
