using System.Text.Json.Nodes;

namespace RenderFarm.DeployTests;

/// <summary>The shipped scrape job, rules and dashboard against a real Prometheus scraping two replicas.</summary>
public class PrometheusTests(PrometheusFixture prometheus) : IClassFixture<PrometheusFixture>
{
    private static readonly string[] ReportedHosts = ["deploy-node1", "deploy-node2", "deploy-node3"];

    [Fact]
    public async Task Prometheus_keeps_the_reporters_own_host_and_instance_labels()
    {
        var series = await UntilAllHostsAsync("Blender_Render");

        foreach (var (host, instance, _, replicas) in PrometheusFixture.Reporters)
        {
            var mine = series.Where(s => Label(s, "host") == host && Label(s, "instance") == instance).ToList();
            Assert.Equal(replicas.Length, mine.Count);
            Assert.All(mine, s => Assert.Equal("renderfarm", Label(s, "job")));
            Assert.All(mine, s => Assert.StartsWith("renderfarm-server-", Label(s, "pod"), StringComparison.Ordinal));
        }

        Assert.DoesNotContain(series, s => s!["metric"]!.AsObject().ContainsKey("exported_instance"));
    }

    [Fact]
    public async Task Every_dashboard_and_alert_expression_evaluates_without_error()
    {
        await UntilAllHostsAsync("Blender_Render");
        var expressions = Expressions.PanelQueries.Concat(Expressions.Alerts).ToList();

        Assert.True(expressions.Count > 15, $"only {expressions.Count} expressions found");
        foreach (var (_, expr) in expressions)
        {
            await prometheus.QueryAsync(Expressions.Substitute(expr));
        }

        using var response = await prometheus.Http.GetAsync("/api/v1/rules");
        var rules = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray()).ToList();
        Assert.Equal(Expressions.Alerts.Count(), rules.Count);
        Assert.All(rules, r => Assert.True(r!["health"]!.ToString() is "ok" or "unknown", $"{r!["name"]}: {r["lastError"]}"));
    }

    [Fact]
    public async Task Every_dashboard_panel_returns_data()
    {
        await UntilAllHostsAsync("Blender_Render");

        foreach (var (title, expr) in Expressions.PanelQueries)
        {
            var result = await prometheus.QueryUntilDataAsync(Expressions.Substitute(expr));
            Assert.True(result.Count > 0, $"panel '{title}' returned no data: {Expressions.Substitute(expr)}");
        }
    }

    [Fact]
    public async Task Host_and_instance_variables_list_the_reported_values()
    {
        await UntilAllHostsAsync("Blender_Render");
        var host = Expressions.Variables.Single(v => v["name"]!.ToString() == "host")["definition"]!.ToString();
        var instance = Expressions.Variables.Single(v => v["name"]!.ToString() == "instance")["definition"]!.ToString();

        var hosts = (await prometheus.QueryAsync(Expressions.LabelValuesQuery(host))).Select(s => Label(s, "host"));
        var instances = (await prometheus.QueryAsync(Expressions.LabelValuesQuery(instance))).Select(s => Label(s, "instance"));

        Assert.Equal(ReportedHosts, hosts.Order());
        Assert.Equal(["0", "1"], instances.Order());
    }

    [Fact]
    public async Task An_instance_held_by_both_replicas_counts_once()
    {
        var raw = await UntilAllHostsAsync("Blender_Render");
        var rendering = Expressions.PanelQueries.First(q => q.Title == "Rendering").Expr;
        var utilisation = Expressions.PanelQueries.First(q => q.Title == "Utilisation").Expr;

        var naive = raw.Sum(s => double.Parse(s!["value"]![1]!.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(4, naive); // deploy-node3/0 twice
        Assert.Equal(3, Value(await prometheus.QueryAsync(Expressions.Substitute(rendering))));
        Assert.Equal(75, Value(await prometheus.QueryAsync(Expressions.Substitute(utilisation))));
    }

    private async Task<JsonArray> UntilAllHostsAsync(string metric)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var series = await prometheus.QueryAsync(metric);
            var count = PrometheusFixture.Reporters.Sum(r => r.Replicas.Length);
            if (series.Count >= count || DateTime.UtcNow > until)
            {
                return series;
            }

            await Task.Delay(250);
        }
    }

    private static string Label(JsonNode? series, string name) => series!["metric"]![name]?.ToString() ?? "";

    private static double Value(JsonArray result) =>
        double.Parse(Assert.Single(result)!["value"]![1]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
}
