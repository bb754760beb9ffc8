using System.Globalization;
using System.Text.Json.Nodes;

namespace RenderFarm.BlenderTests;

/// <summary>
/// The farm's monitoring as a studio runs it, for real: Debian stable's Prometheus 2.42 and sid's Prometheus 3.5
/// LTS (from the Debian root of the Blender matrix), each scraping the server every second with the shipped
/// alert rules and sending alerts to Debian's Alertmanager, which notifies a webhook on loopback.
/// </summary>
public sealed class FarmMonitoring : IAsyncDisposable
{
    /// <summary>Prometheus versions: this machine's (Debian stable) and the sid root's.</summary>
    public static readonly (string Name, string? Suite)[] PrometheusVersions = [("2.42", null), ("3.5", "sid")];

    private readonly DirectoryInfo _scratch;
    private readonly List<MonitoringProcess> _processes = [];

    private FarmMonitoring(DirectoryInfo scratch)
    {
        _scratch = scratch;
    }

    public AlertWebhook Webhook { get; } = new();

    public IReadOnlyList<MonitoringProcess> Prometheus => [.. _processes.Where(p => p.Name.StartsWith("Prometheus", StringComparison.Ordinal))];

    public static async Task<FarmMonitoring> StartAsync(ServerProcess server, ITestOutputHelper output)
    {
        // Under /tmp: the sid root sees it at the same path.
        var stack = new FarmMonitoring(Directory.CreateTempSubdirectory("renderfarm-monitoring-"));
        try
        {
            await stack.StartProcessesAsync(server, output);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Evaluates <paramref name="query"/> on every Prometheus; fails on any error either reports.</summary>
    public async Task<Dictionary<string, JsonArray>> QueryAsync(string query)
    {
        var results = new Dictionary<string, JsonArray>();
        foreach (var prometheus in Prometheus)
        {
            using var response = await prometheus.Http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
            var body = await response.Content.ReadAsStringAsync();
            var json = JsonNode.Parse(body)!;
            Assert.True(response.IsSuccessStatusCode && json["status"]!.ToString() == "success", $"{prometheus.Name}: {query}\n→ {body}");
            results[prometheus.Name] = json["data"]!["result"]!.AsArray();
        }

        return results;
    }

    public string Logs() => string.Join("\n", _processes.Select(p => $"--- {p.Name}\n{p.Log}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        Webhook.Dispose();
        try
        {
            _scratch.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temporary-file cleanup.
        }
    }

    private async Task StartProcessesAsync(ServerProcess server, ITestOutputHelper output)
    {
        var scratch = _scratch.FullName;
        var rules = Directory.CreateDirectory(Path.Combine(scratch, "rules"));
        foreach (var file in Directory.GetFiles(Path.Combine(BlenderVersion.TestsDirectory, "..", "deploy", "prometheus", "rules"), "*.yml"))
        {
            File.Copy(file, Path.Combine(rules.FullName, Path.GetFileName(file)));
        }

        var alertmanagerConfig = Path.Combine(scratch, "alertmanager.yml");
        await File.WriteAllTextAsync(alertmanagerConfig, $"""
            route:
              receiver: webhook
              group_by: [alertname, host, instance, prometheus]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: webhook
                webhook_configs:
                  - url: {Webhook.Url}
                    send_resolved: true
            """);
        var alertmanager = await MonitoringProcess.StartAsync("Alertmanager", "prometheus-alertmanager",
            [$"--config.file={alertmanagerConfig}", $"--storage.path={Path.Combine(scratch, "alertmanager")}",
             "--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn"], scratch, output);
        _processes.Add(alertmanager);

        foreach (var (name, suite) in PrometheusVersions)
        {
            var config = Path.Combine(scratch, $"prometheus-{name}.yml");
            // The shipped job (honor_labels keeps the reporters' own instance label) and rules, at a test's pace.
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                  external_labels:
                    prometheus: "{name}"
                rule_files:
                  - {rules.FullName}/*.yml
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ["127.0.0.1:{alertmanager.Port.ToString(CultureInfo.InvariantCulture)}"]
                scrape_configs:
                  - job_name: renderfarm
                    honor_labels: true
                    static_configs:
                      - targets: ["127.0.0.1:{server.HttpPort.ToString(CultureInfo.InvariantCulture)}"]
                        labels:
                          pod: renderfarm-server
                """);
            string[] arguments =
                [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(scratch, "data-" + name)}",
                 "--web.listen-address=127.0.0.1:{port}", "--log.level=warn"];
            _processes.Add(suite is null
                ? await MonitoringProcess.StartAsync($"Prometheus {name}", "prometheus", arguments, scratch, output)
                : await MonitoringProcess.StartAsync($"Prometheus {name}", expanded => BlenderVersion.InRoot(suite, "prometheus", expanded, scratch),
                    arguments, scratch, output));
        }
    }
}
