using Microsoft.Playwright;

namespace RenderFarm.StatusTests;

/// <summary>
/// A server with a short TTL, so expiry shows within seconds, and Debian's Chromium driven
/// by Playwright (its own browser download is neither needed nor wanted).
/// </summary>
public sealed class PageFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);

    private IPlaywright? _playwright;

    public Farm Farm { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: tests/.results, kept by the test command as artifacts.</summary>
    public static string ResultsDirectory { get; } = FindResultsDirectory();

    public async Task InitializeAsync()
    {
        Farm = await Farm.StartAsync(null, ("RenderFarm:InstanceTtl", "00:00:03"), ("RenderFarm:HeartbeatInterval", "00:00:01"));
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>Debian's Chromium, headless, asking the network for nothing of its own.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Tools.Require(ChromiumPath),
        Headless = true,
        Args =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
        ],
    });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
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
