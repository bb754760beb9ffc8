using Microsoft.Playwright;

namespace RenderFarm.StatusTests;

/// <summary>A server with a short TTL, so expiry shows within seconds, and Debian's Chromium.</summary>
public sealed class PageFixture : IAsyncLifetime
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);

    private Chromium? _chromium;

    public Farm Farm { get; private set; } = null!;

    public IBrowser Browser => _chromium!.Browser;

    /// <summary>Where screenshots go: tests/.results, kept by the test command as artifacts.</summary>
    public static string ResultsDirectory { get; } = FindResultsDirectory();

    public async Task InitializeAsync()
    {
        Farm = await Farm.StartAsync(null, ("RenderFarm:InstanceTtl", "00:00:03"), ("RenderFarm:HeartbeatInterval", "00:00:01"));
        _chromium = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        if (Farm is not null)
        {
            await Farm.DisposeAsync();
        }
    }

    private static string FindResultsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RenderFarm.sln")))
            {
                var results = Path.Combine(directory.FullName, "tests", ".results");
                Directory.CreateDirectory(results);
                return results;
            }
        }

        return Directory.CreateTempSubdirectory("renderfarm-results-").FullName;
    }
}
