using System.Diagnostics;
using System.Globalization;
using RenderFarm.LoadGenerator;

namespace RenderFarm.BlenderTests;

/// <summary>
/// The server restarts while a farm runs (simulated instances and one real Blender): every
/// live instance is back within one heartbeat interval of the server's return, and no
/// counter of a session goes backwards on /metrics at any time.
/// </summary>
public class FarmRestartTests(ITestOutputHelper output)
{
    private const int SimulatedInstances = 300;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

    private static readonly string[] Counters =
        ["blender_frames_rendered_total", "blender_render_seconds_total", "blender_process_cpu_seconds_total"];

    /// <remarks>The server's restart is under test, not Blender's version (ServerFaultTests restart the server
    /// under every Blender of the matrix): one Blender, the machine's own, keeps this minute-long test single.</remarks>
    [Fact]
    public async Task Every_live_instance_is_back_within_one_heartbeat_and_no_counter_goes_backwards_with_the_machines_blender_only_as_the_server_is_under_test()
    {
        var server = await ServerProcess.StartAsync(output: output);
        var (grpcPort, httpPort) = (server.GrpcPort, server.HttpPort);
        using var stop = new CancellationTokenSource();
        var farm = FarmLoad.CreateFarm(SimulatedInstances, "restart-farm");
        await using var target = new ReporterTarget(ServerAddress.Parse($"grpc://127.0.0.1:{grpcPort}"), connections: 2);
        var reporting = ReportLikeBlenderAsync(target, farm, stop.Token);
        var blenderHost = Transport.UniqueHost("restart-blender");
        await using var blender = await BlenderRun.RenderAsync(BlenderVersion.Matrix[0],
            Transport.ServerSetting(grpcPort, httpPort, Transport.Native), blenderHost, output,
            frames: 12, samples: 600, environment: Transport.Environment(Transport.Native));
        var watcher = new CounterWatcher(new Uri($"http://127.0.0.1:{httpPort}"));
        var watching = watcher.RunAsync(stop.Token);
        try
        {
            var live = farm.Select(i => (i.Host, i.Instance)).Append((blenderHost, "0")).ToList();
            using (var scraper = new Scraper(server))
            {
                await scraper.UntilAsync(s => s.Instance("blender_frames_rendered_total", blenderHost, "0") >= 2
                    && live.All(l => s.Instance("Blender_Render", l.Item1, l.Item2) is not null), TimeSpan.FromSeconds(120), "farm up, two frames");
            }

            server.Kill();
            await server.DisposeAsync();
            await Task.Delay(TimeSpan.FromSeconds(1)); // the outage: a second without a server
            server = await ServerProcess.StartOnAsync(grpcPort, httpPort, output);
            var up = Stopwatch.StartNew();
            using (var scraper = new Scraper(server))
            {
                await scraper.UntilAsync(s => live.All(l => s.Instance("Blender_Render", l.Item1, l.Item2) is not null),
                    Heartbeat + TimeSpan.FromSeconds(2), "every live instance back");
            }

            var back = up.Elapsed;
            output.WriteLine($"all {live.Count} live instances back {back.TotalMilliseconds:F0} ms after the restarted server was up");
            Assert.True(back <= Heartbeat + TimeSpan.FromMilliseconds(500), $"back after {back}");

            await blender.EventTimeAsync("render_complete", TimeSpan.FromSeconds(180));
            Assert.Equal(12, blender.RenderedFrames().Length);
            using (var scraper = new Scraper(server))
            {
                await scraper.UntilAsync(s => s.Instance("blender_frames_rendered_total", blenderHost, "0") == 12,
                    TimeSpan.FromSeconds(10), "every frame counted after the restart");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await reporting;
            await watching;
            await server.DisposeAsync();
        }

        output.WriteLine($"{watcher.Scrapes} scrapes watched, {watcher.Backwards.Count} counter(s) went backwards");
        Assert.True(watcher.Scrapes > 20, $"only {watcher.Scrapes} scrapes");
        Assert.Empty(watcher.Backwards);
    }

    /// <summary>Each simulated Blender reports once per heartbeat; a failed call is simply tried at the next one.</summary>
    private static async Task ReportLikeBlenderAsync(ReporterTarget target, SimulatedInstance[] farm, CancellationToken cancellationToken)
    {
        var random = new Random(7);
        foreach (var instance in farm)
        {
            instance.Rendering = true;
        }

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var round = Stopwatch.StartNew();
                await Parallel.ForEachAsync(farm, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
                    async (instance, token) =>
                    {
                        lock (random)
                        {
                            instance.FramesRendered++;
                            instance.CurrentFrame++;
                            instance.LastFrameSeconds = 0.5 + random.NextDouble();
                            instance.RenderSeconds += instance.LastFrameSeconds.Value;
                            instance.ProcessCpuSeconds += instance.LastFrameSeconds.Value;
                        }

                        try
                        {
                            using var call = CancellationTokenSource.CreateLinkedTokenSource(token);
                            call.CancelAfter(TimeSpan.FromSeconds(2));
                            await target.ReportAsync(instance, call.Token);
                        }
                        catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException && !token.IsCancellationRequested)
                        {
                            // The server is away: the next heartbeat carries the whole state anyway.
                        }
                    });
                var rest = Heartbeat - round.Elapsed;
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }


    /// <summary>Scrapes all along (through the restart) and notes every counter that is lower than before.</summary>
    private sealed class CounterWatcher(Uri httpAddress)
    {
        private readonly Dictionary<string, double> _last = [];

        public List<string> Backwards { get; } = [];

        public int Scrapes { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var http = new HttpClient { BaseAddress = httpAddress, Timeout = TimeSpan.FromSeconds(5) };
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var scrape = Exposition.Parse(await http.GetStringAsync("/metrics", cancellationToken));
                    Scrapes++;
                    foreach (var sample in scrape.Samples.Where(s => Counters.Contains(s.Name)))
                    {
                        var series = $"{sample.Name}{{{sample.Label("host")}/{sample.Label("instance")}}}";
                        if (_last.TryGetValue(series, out var before) && sample.Value < before)
                        {
                            Backwards.Add($"{series}: {before} then {sample.Value}");
                        }

                        _last[series] = sample.Value;
                    }

                    await Task.Delay(200, cancellationToken);
                }
                catch (HttpRequestException)
                {
                    // The server is down for a moment: that is the point.
                    await Task.Delay(100, CancellationToken.None);
                }
                catch (TaskCanceledException)
                {
                    // Cancelled, or a scrape that timed out while the server restarted.
                }
            }
        }
    }
}
