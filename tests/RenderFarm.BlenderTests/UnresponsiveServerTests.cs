using System.Net;
using System.Net.Sockets;

namespace RenderFarm.BlenderTests;

/// <summary>
/// A server that accepts connections and never answers (a hung process, a black-holing
/// proxy): the render must take no longer than without the add-on, and once a real server
/// takes the port the add-on reports again.
/// </summary>
public class UnresponsiveServerTests(ITestOutputHelper output)
{
    private const int Frames = 4;
    private const int Samples = 600;
    private const int MaxRounds = 4;

    /// <summary>The render may take at most 5 % longer with the add-on facing a silent server than without it in the same round.</summary>
    private const double Budget = 1.05;
    private static readonly TimeSpan BlenderDeadline = TimeSpan.FromSeconds(180);

    [Theory]
    [MemberData(nameof(BlenderVersion.Names), MemberType = typeof(BlenderVersion))]
    public async Task Silent_server_costs_the_render_nothing_and_reporting_recovers_when_a_real_server_returns(string version)
    {
        var blenderVersion = BlenderVersion.Named(version);
        using var grpcHole = new Blackhole();
        using var webHole = new Blackhole();
        var hosts = new Dictionary<string, string>
        {
            [Transport.Native] = Transport.UniqueHost("silent-native"),
            [Transport.GrpcWeb] = Transport.UniqueHost("silent-web"),
        };

        // A round is one render without the add-on, then one per transport against the silent server, back to back,
        // so a change in the machine's load hits the runs of a round alike. On a shared machine the same render
        // varies by up to 25 % from run to run (seen: 9.5 s to 12.2 s), so no single pair, and not even the medians
        // of four, can tell 5 % from noise; but noise only ever comes and goes, while a real cost of the add-on (a
        // main thread waiting on the network costs the 5 s call timeout per report) shows in every round. So: up to
        // four rounds, until each transport has one round within the budget.
        var without = new List<double>();
        var silent = new Dictionary<string, List<double>> { [Transport.Native] = [], [Transport.GrpcWeb] = [] };
        var latest = new Dictionary<string, BlenderRun>();
        try
        {
            for (var round = 0; round < MaxRounds && !EveryTransportHadARoundWithinBudget(silent, without); round++)
            {
                without.Add(await RenderSecondsAsync(
                    await BlenderRun.RenderAsync(blenderVersion, "localhost", "baseline", output, Frames, Samples, addon: false), keep: false));
                foreach (var transport in silent.Keys)
                {
                    var setting = Transport.ServerSetting(grpcHole.Port, webHole.Port, transport);
                    var blender = await BlenderRun.RenderAsync(blenderVersion, setting, hosts[transport], output, Frames, Samples,
                        Transport.Environment(transport));
                    silent[transport].Add(await RenderSecondsAsync(blender, keep: true));
                    // The latest run of each transport stays idle for the recovery below; an earlier one exits first.
                    if (latest.Remove(transport, out var earlier))
                    {
                        await EndAsync(earlier);
                    }

                    latest[transport] = blender;
                }
            }

            var held = latest.Values.ToList();

            foreach (var (transport, seconds) in silent)
            {
                var ratios = Ratios(seconds, without);
                output.WriteLine($"{blenderVersion}, {transport}: against a silent server vs without the add-on, per round: " +
                    string.Join(", ", seconds.Zip(without, (s, w) => $"{s:F2} s vs {w:F2} s")) +
                    $"; best round {(ratios.Min() - 1) * 100:+0.0;-0.0}%, median {(Median(ratios) - 1) * 100:+0.0;-0.0}%");
                Assert.True(ratios.Min() <= Budget, $"{transport}: no round within {(Budget - 1) * 100:F0} % of the render without the add-on; " +
                    $"per round {string.Join(", ", ratios.Select(r => $"{(r - 1) * 100:+0.0;-0.0}%"))}");
            }

            Assert.True(grpcHole.Accepted > 0 && webHole.Accepted > 0, "the add-on never connected to the silent server");

            // The port changes hands: the silent process goes away and a real server takes its place.
            grpcHole.Dispose();
            webHole.Dispose();
            await using var server = await ServerProcess.StartOnAsync(grpcHole.Port, webHole.Port, output);
            using var scraper = new Scraper(server);
            // Attempts back off to at most 30 s apart; the outage so far is about half a minute.
            var scrape = await scraper.UntilAsync(
                s => hosts.Values.All(h => s.Instance("Blender_Render", h, "0") is not null), TimeSpan.FromSeconds(40), "both reporting");
            Assert.All(hosts.Values, h => Assert.Equal(0, scrape.Instance("Blender_Render", h, "0")));
            Assert.All(hosts.Values, h => Assert.Equal(Frames, scrape.Instance("blender_frames_rendered_total", h, "0")));

            foreach (var blender in held)
            {
                Assert.Equal(0, await blender.ReleaseAsync(BlenderDeadline));
                var lines = blender.AddonLines();
                Assert.Single(lines, l => l.Contains("cannot reach the server", StringComparison.Ordinal));
                Assert.Single(lines, l => l.Contains("again (after", StringComparison.Ordinal));
            }
        }
        finally
        {
            foreach (var blender in latest.Values)
            {
                await blender.DisposeAsync();
            }
        }
    }

    private static bool EveryTransportHadARoundWithinBudget(Dictionary<string, List<double>> silent, List<double> without) =>
        without.Count > 0 && silent.Values.All(seconds => Ratios(seconds, without).Min() <= Budget);

    private static List<double> Ratios(List<double> silent, List<double> without) => [.. silent.Zip(without, (s, w) => s / w)];

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The render's own duration (render_init to render_complete); the run stays idle when <paramref name="keep"/>, else it ends.</summary>
    private static async Task<double> RenderSecondsAsync(BlenderRun blender, bool keep)
    {
        var init = await blender.EventTimeAsync("render_init", BlenderDeadline);
        var complete = await blender.EventTimeAsync("render_complete", BlenderDeadline);
        Assert.Equal(Frames, blender.RenderedFrames().Length);
        if (!keep)
        {
            await EndAsync(blender);
        }

        return complete - init;
    }

    private static async Task EndAsync(BlenderRun blender)
    {
        Assert.Equal(0, await blender.ReleaseAsync(BlenderDeadline));
        await blender.DisposeAsync();
    }
}
