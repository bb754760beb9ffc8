using System.Text.Json.Nodes;

namespace RenderFarm.DeployTests;

public class PromtoolTests
{
    private static readonly string Rules = Repository.Deploy("prometheus", "rules", "renderfarm-alerts.yml");
    private static readonly string RuleTests = Repository.Deploy("prometheus", "tests", "renderfarm-alerts.test.yml");

    [Fact]
    public async Task Scrape_config_passes_promtool_check_config()
    {
        await AssertPromtoolAsync("check", "config", Repository.Deploy("prometheus", "prometheus.yml"));
    }

    [Fact]
    public async Task Kubernetes_scrape_config_passes_promtool_check_config_with_discovery_swapped_for_a_target()
    {
        // Debian's Prometheus is built without Kubernetes discovery: check everything else.
        var config = Yaml.Load(Repository.Deploy("prometheus", "prometheus-kubernetes.yml"));
        var job = config["scrape_configs"]![0]!.AsObject();
        var discovery = job["kubernetes_sd_configs"]!.AsArray().Single()!;
        Assert.Equal("endpoints", discovery["role"]!.ToString());
        job.Remove("kubernetes_sd_configs");
        job["static_configs"] = new JsonArray(new JsonObject { ["targets"] = new JsonArray("10.0.0.1:8000") });
        config["rule_files"] = new JsonArray(Rules);
        var path = Path.Combine(Directory.CreateTempSubdirectory("renderfarm-promconfig-").FullName, "prometheus.yml");
        await File.WriteAllTextAsync(path, Yaml.Write(config));

        await AssertPromtoolAsync("check", "config", path);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public async Task Kubernetes_scrape_config_passes_promtool_3_5_check_config_as_shipped()
    {
        // Debian sid's Prometheus 3.5 LTS (in the Debian root the Blender suite uses) reads Kubernetes discovery:
        // the file is checked whole, rules beside it as shipped. The root shares folders under /tmp only.
        var scratch = Directory.CreateTempSubdirectory("renderfarm-promconfig-");
        try
        {
            var config = Path.Combine(scratch.FullName, "prometheus-kubernetes.yml");
            System.IO.File.Copy(Repository.Deploy("prometheus", "prometheus-kubernetes.yml"), config);
            Directory.CreateDirectory(Path.Combine(scratch.FullName, "rules"));
            System.IO.File.Copy(Rules, Path.Combine(scratch.FullName, "rules", Path.GetFileName(Rules)));

            var (exitCode, output) = await Tools.RunAsync(Repository.File("tests", "blender-roots", "run-in-root.sh"),
                [DebianRoots.Require("sid"), scratch.FullName, "promtool", "check", "config", config]);

            Assert.True(exitCode == 0, $"promtool 3.5 check config exited {exitCode}:\n{output}");
            Assert.Contains("SUCCESS: 1 rule files found", output, StringComparison.Ordinal); // the shipped rules, read too
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [Fact]
    public void Both_scrape_configs_honor_labels_in_job_renderfarm()
    {
        foreach (var file in new[] { "prometheus.yml", "prometheus-kubernetes.yml" })
        {
            var job = Assert.Single(Yaml.Load(Repository.Deploy("prometheus", file))["scrape_configs"]!.AsArray())!;
            Assert.Equal("renderfarm", job["job_name"]!.ToString());
            Assert.Equal("true", job["honor_labels"]!.ToString());
        }
    }

    [Fact]
    public async Task Alert_rules_pass_promtool_check_rules()
    {
        await AssertPromtoolAsync("check", "rules", Rules);
    }

    [Fact]
    public async Task Alert_rules_pass_their_promtool_unit_tests()
    {
        await AssertPromtoolAsync("test", "rules", RuleTests);
    }

    [Fact]
    public void Every_alert_has_a_unit_test_where_it_fires_and_one_where_it_does_not()
    {
        var alerts = Yaml.Load(Rules)["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!["alert"]!.ToString()).ToList();
        var cases = Yaml.Load(RuleTests)["tests"]!.AsArray().SelectMany(t => t!["alert_rule_test"]!.AsArray()).ToList();

        Assert.Equal(8, alerts.Count);
        foreach (var alert in alerts)
        {
            var mine = cases.Where(c => c!["alertname"]!.ToString() == alert).ToList();
            Assert.True(mine.Any(c => c!["exp_alerts"]!.AsArray().Count > 0), $"no test where {alert} fires");
            Assert.True(mine.Any(c => c!["exp_alerts"]!.AsArray().Count == 0), $"no test where {alert} stays quiet");
        }
    }

    private static async Task AssertPromtoolAsync(params string[] arguments)
    {
        var (exitCode, output) = await Tools.RunAsync("promtool", arguments);
        Assert.True(exitCode == 0, $"promtool {string.Join(' ', arguments)} exited {exitCode}:\n{output}");
    }
}
