using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RenderFarm.DeployTests;

/// <summary>Every PromQL expression the deployment ships: dashboard panels and variables, alert rules.</summary>
internal static partial class Expressions
{
    public static JsonNode Dashboard { get; } = JsonNode.Parse(File.ReadAllText(Repository.Deploy("grafana", "renderfarm-dashboard.json")))!;

    /// <summary>Panels, rows' nested panels included.</summary>
    public static IEnumerable<JsonNode> Panels => Dashboard["panels"]!.AsArray()
        .SelectMany(p => new[] { p! }.Concat(p!["panels"]?.AsArray().Select(n => n!) ?? []));

    public static IEnumerable<(string Title, string Expr)> PanelQueries => Panels
        .SelectMany(p => (p["targets"]?.AsArray() ?? []).Select(t => (p["title"]!.ToString(), t!["expr"]!.ToString())));

    public static IEnumerable<(string Alert, string Expr)> Alerts =>
        Yaml.Load(Repository.Deploy("prometheus", "rules", "renderfarm-alerts.yml"))["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray()).Select(r => (r!["alert"]!.ToString(), r["expr"]!.ToString()));

    /// <summary>Query variables, label_values(selector, label) as Grafana writes them.</summary>
    public static IEnumerable<JsonNode> Variables => Dashboard["templating"]!["list"]!.AsArray().Select(v => v!);

    /// <summary>What Grafana sends Prometheus: variables replaced by the values "All" and a test-sized interval.</summary>
    public static string Substitute(string expr) => Variable().Replace(expr, m => m.Groups[1].Value switch
    {
        "__rate_interval" => "10s",
        "__interval" => "2s",
        "__range" => "2m",
        "host" or "instance" => ".+",
        var other => throw new InvalidOperationException($"unknown Grafana variable ${other} in {expr}"),
    });

    /// <summary>label_values(selector, label) as the PromQL Grafana evaluates for it.</summary>
    public static string LabelValuesQuery(string definition)
    {
        var match = LabelValues().Match(definition);
        Assert.True(match.Success, $"not label_values(selector, label): {definition}");
        return $"group by ({match.Groups[2].Value}) ({Substitute(match.Groups[1].Value)})";
    }

    [GeneratedRegex(@"\$\{?(\w+)\}?")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^label_values\((.+),\s*(\w+)\)$")]
    private static partial Regex LabelValues();
}
