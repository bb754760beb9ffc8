using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using RenderFarm.Contracts.V1;

namespace RenderFarm.DeployTests;

/// <summary>
/// Two server replicas with Blender instances reporting, scraped every second by a real
/// Prometheus started with the shipped scrape job and alert rules.
/// </summary>
public sealed class PrometheusFixture : IAsyncLifetime, IDisposable
{
    /// <summary>(host, instance, rendering, replicas it reports to).</summary>
    public static readonly (string Host, string Instance, bool Rendering, int[] Replicas)[] Reporters =
    [
        ("deploy-node1", "0", true, [0]),
        ("deploy-node1", "1", false, [0]),
        ("deploy-node2", "0", true, [1]),
        // Reports reach both replicas: the copy a reporter leaves behind when it moves.
        ("deploy-node3", "0", true, [0, 1]),
    ];

    private readonly CancellationTokenSource _stop = new();
    private readonly List<ServerProcess> _servers = [];
    private readonly List<GrpcChannel> _channels = [];
    private DirectoryInfo? _scratch;
    private MonitoringProcess? _prometheus;
    private Task? _reporting;

    public HttpClient Http => _prometheus!.Http;

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            // A short TTL, so the render that goes quiet below is a lost render within seconds.
            var server = await ServerProcess.StartAsync(new Dictionary<string, string>
            {
                ["RenderFarm:InstanceTtl"] = "00:00:03",
                ["RenderFarm:HeartbeatInterval"] = "00:00:01",
            });
            _servers.Add(server);
            _channels.Add(GrpcChannel.ForAddress(server.GrpcAddress));
        }

        await ReportAsync(1);
        // A Blender that dies mid-render: one report, then nothing.
        var dying = Farm.Report("deploy-node9", "0", 1, "deploy-session", rendering: true, frame: 17);
        dying.JobFrameStart = 1;
        dying.JobFrameEnd = 100;
        dying.Job = "deploy-job";
        await new Reporter.ReporterClient(_channels[0]).ReportAsync(dying);
        // A Blender that gave up on a frame it could not save: its last report says so, then it signs off.
        var failing = Farm.Report("deploy-node8", "0", 1, "deploy-session", rendering: true, frame: 3);
        failing.Job = "deploy-job";
        var client = new Reporter.ReporterClient(_channels[0]);
        await client.ReportAsync(failing);
        failing.Sequence = 2;
        failing.State = RenderState.Idle;
        failing.RendersFailed = 1;
        failing.RenderFailure = "output not written: /farm/out/f0003.png (its folder is not writable)";
        await client.ReportAsync(failing);
        await client.SignOffAsync(new SignOffRequest { Host = failing.Host, Instance = failing.Instance, SessionId = failing.SessionId });
        _reporting = KeepReportingAsync(_stop.Token);
        await StartPrometheusAsync();
    }

    /// <summary>Evaluates <paramref name="query"/> now; fails on any error Prometheus reports.</summary>
    public async Task<JsonArray> QueryAsync(string query)
    {
        using var response = await Http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonNode.Parse(body)!;
        Assert.True(response.IsSuccessStatusCode && json["status"]!.ToString() == "success", $"{query}\n→ {body}");
        Assert.True(json["warnings"] is null, $"{query}\n→ warnings {json["warnings"]}");
        return json["data"]!["result"]!.AsArray();
    }

    /// <summary>Polls <paramref name="query"/> until it returns at least one series or the deadline passes.</summary>
    public async Task<JsonArray> QueryUntilDataAsync(string query, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var result = await QueryAsync(query);
            if (result.Count > 0 || DateTime.UtcNow > until)
            {
                return result;
            }

            await Task.Delay(250);
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reporting is not null)
        {
            await _reporting;
        }

        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }
        _channels.ForEach(c => c.Dispose());
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _scratch?.Delete(recursive: true);
    }

    public void Dispose()
    {
        _stop.Dispose();
    }

    /// <summary>Rendering instances finish a frame per report, so rates have something to show.</summary>
    private async Task ReportAsync(ulong sequence)
    {
        foreach (var (host, instance, rendering, replicas) in Reporters)
        {
            var frames = rendering ? sequence : 0;
            var report = Farm.Report(host, instance, sequence, "deploy-session", rendering, frame: (int)frames);
            report.FramesRendered = frames;
            report.RenderSeconds = 2.5 * frames;
            report.LastFrameSeconds = 2.5;
            report.ProcessCpuSeconds = 0.4 * sequence;
            report.ResidentMemoryBytes = 500_000_000;
            // A job of 1000 frames at 2.5 s a frame: one frame more per report, each in the 5 s bucket; and a render
            // completed every 10 reports.
            report.JobFrameStart = 1;
            report.JobFrameEnd = 1000;
            report.Job = rendering ? "deploy-job" : "";
            report.Device = "CPU";
            report.Samples = 128;
            report.FrameSecondsCounts.AddRange([0, 0, frames, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            report.FrameSecondsSum = 2.5 * frames;
            report.FramePeakMemoryBytes = 600_000_000 + (frames % 7 * 10_000_000);
            report.RendersCompleted = sequence / 10;
            if (rendering)
            {
                // The frame under way: 1.2 s in, its last progress 0.2 s ago, a quarter of its samples done.
                report.FrameElapsedSeconds = 1.2;
                report.ProgressAgeSeconds = 0.2;
                report.FrameSamplesDone = 32;
                report.FrameSamplesTotal = 128;
            }

            foreach (var replica in replicas)
            {
                await new Reporter.ReporterClient(_channels[replica]).ReportAsync(report);
            }
        }
    }

    private async Task KeepReportingAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        for (ulong sequence = 2; ; sequence++)
        {
            try
            {
                await timer.WaitForNextTickAsync(cancellationToken);
                await ReportAsync(sequence);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The shipped job with its targets replaced by the two replicas, each labelled like a pod.</summary>
    private string DeriveConfig()
    {
        var shipped = Yaml.Load(Repository.Deploy("prometheus", "prometheus.yml"));
        var job = shipped["scrape_configs"]!.AsArray().Single(j => j!["job_name"]!.ToString() == "renderfarm")!.DeepClone();
        job["scrape_interval"] = "1s";
        job["static_configs"] = new JsonArray([.. _servers.Select((s, i) => (JsonNode)new JsonObject
        {
            ["targets"] = new JsonArray($"127.0.0.1:{s.HttpPort}"),
            ["labels"] = new JsonObject { ["pod"] = $"renderfarm-server-{i}" },
        })]);
        var config = new JsonObject
        {
            ["global"] = new JsonObject { ["scrape_interval"] = "1s", ["evaluation_interval"] = "1s" },
            ["rule_files"] = new JsonArray(Repository.Deploy("prometheus", "rules", "*.yml")),
            ["scrape_configs"] = new JsonArray(job),
        };
        return Yaml.Write(config);
    }

    private async Task StartPrometheusAsync()
    {
        _scratch = Directory.CreateTempSubdirectory("renderfarm-prometheus-");
        var configPath = Path.Combine(_scratch.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, DeriveConfig());
        _prometheus = await MonitoringProcess.StartAsync("Prometheus", "prometheus",
            [$"--config.file={configPath}", $"--storage.tsdb.path={Path.Combine(_scratch.FullName, "data")}",
             "--web.listen-address=127.0.0.1:{port}", "--log.level=warn"], _scratch.FullName);
    }
}
