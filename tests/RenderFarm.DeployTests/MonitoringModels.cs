using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace RenderFarm.DeployTests;

// The Prometheus Operator's monitoring.coreos.com/v1 objects, as far as RenderFarm uses them.
// KubernetesClient has no models for custom resources; strict parsing into these catches
// misspelt or misplaced fields the same way it does for the built-in kinds.
#pragma warning disable CA1002, CA2227 // Plain data models, shaped like the API.

/// <summary>What every custom resource has: its kind, its metadata and a spec.</summary>
public abstract class CustomResource<TSpec> : IKubernetesObject<V1ObjectMeta>
    where TSpec : new()
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public TSpec Spec { get; set; } = new();
}

public sealed class V1ServiceMonitor : CustomResource<ServiceMonitorSpec>;

public sealed class ServiceMonitorSpec
{
    [JsonPropertyName("jobLabel")] public string? JobLabel { get; set; }
    [JsonPropertyName("selector")] public V1LabelSelector Selector { get; set; } = new();
    [JsonPropertyName("namespaceSelector")] public NamespaceSelector? NamespaceSelector { get; set; }
    [JsonPropertyName("endpoints")] public List<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

public sealed class NamespaceSelector
{
    [JsonPropertyName("any")] public bool? Any { get; set; }
    [JsonPropertyName("matchNames")] public List<string>? MatchNames { get; set; }
}

public sealed class ServiceMonitorEndpoint
{
    [JsonPropertyName("port")] public string? Port { get; set; }
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("scheme")] public string? Scheme { get; set; }
    [JsonPropertyName("interval")] public string? Interval { get; set; }
    [JsonPropertyName("scrapeTimeout")] public string? ScrapeTimeout { get; set; }
    [JsonPropertyName("honorLabels")] public bool? HonorLabels { get; set; }
}

public sealed class V1PrometheusRule : CustomResource<PrometheusRuleSpec>;

public sealed class PrometheusRuleSpec
{
    [JsonPropertyName("groups")] public List<RuleGroup> Groups { get; set; } = [];
}

public sealed class RuleGroup
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("interval")] public string? Interval { get; set; }
    [JsonPropertyName("rules")] public List<Rule> Rules { get; set; } = [];
}

public sealed class Rule
{
    [JsonPropertyName("alert")] public string? Alert { get; set; }
    [JsonPropertyName("record")] public string? Record { get; set; }
    [JsonPropertyName("expr")] public string Expr { get; set; } = "";
    [JsonPropertyName("for")] public string? For { get; set; }
    [JsonPropertyName("labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
}
