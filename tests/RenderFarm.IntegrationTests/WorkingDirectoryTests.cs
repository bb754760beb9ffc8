namespace RenderFarm.IntegrationTests;

/// <summary>
/// systemd starts services in /, people from wherever they stand: the server finds its defaults
/// next to its binary and watches no folder for configuration.
/// </summary>
public class WorkingDirectoryTests(ITestOutputHelper output)
{
    public static TheoryData<string> Folders => new() { "/", Path.GetTempPath() };

    [Theory]
    [MemberData(nameof(Folders))]
    public async Task Started_from_any_folder_the_server_logs_nothing_per_request_and_watches_nothing(string folder)
    {
        await using var farm = new Farm(await ServerProcess.StartAsync(output: output, workingDirectory: folder));

        await farm.Native.ReportAsync(Farm.Report("node-wd"));
        var scrape = await farm.ScrapeAsync();

        Assert.NotNull(scrape.Instance("Blender_Render", "node-wd", "0"));
        Assert.DoesNotContain(farm.Server.Log, line => line.Contains("Request starting", StringComparison.Ordinal));
        Assert.Equal(0, InotifyWatches.Of(farm.Server.ProcessId));
    }

    [Fact]
    public async Task With_a_tokens_file_only_its_folder_may_be_watched()
    {
        var folder = Directory.CreateTempSubdirectory("renderfarm-tokens-").FullName;
        try
        {
            var tokens = Path.Combine(folder, "tokens");
            await File.WriteAllTextAsync(tokens, "file-token\n");
            await using var server = await ServerProcess.StartAsync(
                new Dictionary<string, string> { ["RenderFarm:TokensFile"] = tokens }, output, workingDirectory: "/");

            Assert.InRange(InotifyWatches.Of(server.ProcessId), 0, 1);
            Assert.Contains(server.Log, line => line.EndsWith($"authentication on (the tokens file {tokens})", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
