using System.Text.Json.Nodes;
using k8s.Models;

namespace RenderFarm.DeployTests;

public class KustomizeTests
{
    private static readonly string[] RecommendedLabels =
        ["app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/version"];

    public static TheoryData<string> Builds => [.. Kustomize.Builds()];

    [Theory]
    [MemberData(nameof(Builds))]
    public async Task Every_build_parses_strictly_with_recommended_labels_and_a_namespace(string build)
    {
        var objects = await KubernetesObjects.BuildAsync(build);

        Assert.NotEmpty(objects);
        foreach (var item in objects)
        {
            var name = $"{item.Kind}/{item.Metadata.Name}";
            foreach (var label in RecommendedLabels)
            {
                Assert.True(item.Metadata.Labels?.ContainsKey(label) == true, $"{name} in {build} lacks label {label}");
            }

            Assert.True(item is V1Namespace || item.Metadata.NamespaceProperty == "renderfarm", $"{name} in {build} is not in namespace renderfarm");
        }

        Assert.Single(objects.Select(o => o.Metadata.Labels["app.kubernetes.io/version"]).Distinct());
    }

    [Fact]
    public async Task Base_runs_two_hardened_replicas_with_a_disruption_budget_and_network_policy()
    {
        var objects = await KubernetesObjects.BuildAsync("base");
        var deployment = objects.Single<V1Deployment>();
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.NotNull(container.Resources.Requests?["cpu"]);
        Assert.NotNull(container.Resources.Requests?["memory"]);
        Assert.NotNull(container.Resources.Limits?["cpu"]);
        Assert.NotNull(container.Resources.Limits?["memory"]);
        Assert.Equal(Dockerfile.Load().Stages[^1].User, pod.SecurityContext.RunAsUser.ToString());

        var token = Assert.Single(container.Env, e => e.Name == "RenderFarm__Tokens__0");
        Assert.Equal("renderfarm-tokens", token.ValueFrom.SecretKeyRef.Name);
        var settings = Assert.Single(container.EnvFrom).ConfigMapRef.Name;
        Assert.Contains(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name == settings);

        var budget = objects.Single<V1PodDisruptionBudget>();
        Assert.Equal("1", budget.Spec.MinAvailable.Value);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);

        var policy = objects.Single<V1NetworkPolicy>();
        Assert.Equal(deployment.Spec.Selector.MatchLabels, policy.Spec.PodSelector.MatchLabels);
        Assert.Equal(["grpc", "http"], policy.Spec.Ingress.SelectMany(i => i.Ports).Select(p => p.Port.Value).Order());
    }

    [Fact]
    public async Task Deployment_and_service_ports_and_probes_match_the_server_defaults()
    {
        var settings = JsonNode.Parse(await File.ReadAllTextAsync(Repository.File("server", "appsettings.json")))!["RenderFarm"]!;
        var grpcPort = settings["GrpcPort"]!.GetValue<int>();
        var httpPort = settings["HttpPort"]!.GetValue<int>();
        var objects = await KubernetesObjects.BuildAsync("base");
        var container = objects.Single<V1Deployment>().Spec.Template.Spec.Containers.Single();
        var service = objects.Single<V1Service>();

        Assert.Equal(grpcPort, Assert.Single(container.Ports, p => p.Name == "grpc").ContainerPort);
        Assert.Equal(httpPort, Assert.Single(container.Ports, p => p.Name == "http").ContainerPort);
        Assert.Equal(grpcPort, Assert.Single(service.Spec.Ports, p => p.Name == "grpc").Port);
        Assert.Equal(httpPort, Assert.Single(service.Spec.Ports, p => p.Name == "http").Port);
        Assert.All(service.Spec.Ports, p => Assert.Equal(p.Name, p.TargetPort.Value));
        Assert.Equal("ClientIP", service.Spec.SessionAffinity);

        // A native gRPC probe names its port by number only: it must be the server's gRPC port.
        Assert.Equal(grpcPort, container.LivenessProbe.Grpc.Port);
        Assert.Equal(("/readyz", "http"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal(("/healthz", "http"), (container.StartupProbe.HttpGet.Path, container.StartupProbe.HttpGet.Port.Value));

        // Nothing in the settings moves the ports away from what the probes and Service expect.
        var configMap = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == container.EnvFrom.Single().ConfigMapRef.Name);
        Assert.DoesNotContain(configMap.Data.Keys, k => k.EndsWith("Port", StringComparison.Ordinal));
        foreach (var (key, value) in configMap.Data)
        {
            var setting = key.Replace("RenderFarm__", "", StringComparison.Ordinal);
            Assert.True(settings[setting] is not null, $"{key} is not a RenderFarm setting of server/appsettings.json");
            Assert.Equal(settings[setting]!.ToString(), value);
        }
    }

    [Fact]
    public async Task Prometheus_operator_component_scrapes_every_pod_honoring_labels_with_the_shipped_rules()
    {
        var objects = await KubernetesObjects.BuildAsync("base+prometheus-operator");
        var service = objects.Single<V1Service>();
        var monitor = objects.Single<V1ServiceMonitor>();
        var rule = objects.Single<V1PrometheusRule>();

        Assert.All(monitor.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, service.Metadata.Labels[l.Key]));
        Assert.Equal("renderfarm", service.Metadata.Labels[monitor.Spec.JobLabel!]);
        var endpoint = Assert.Single(monitor.Spec.Endpoints);
        Assert.True(endpoint.HonorLabels);
        Assert.Equal("http", endpoint.Port);
        Assert.Equal("/metrics", endpoint.Path);

        var shipped = Yaml.Load(Repository.Deploy("prometheus", "rules", "renderfarm-alerts.yml"))["groups"]!;
        var embedded = Yaml.Parse(Yaml.Write(JsonNode.Parse(k8s.KubernetesJson.Serialize(rule.Spec))!))["groups"]!;
        Assert.True(JsonNode.DeepEquals(shipped, embedded),
            "the PrometheusRule's groups differ from deploy/prometheus/rules/renderfarm-alerts.yml");
    }

    [Fact]
    public async Task Prometheus_rule_object_is_what_its_script_writes_from_the_rules_file()
    {
        var component = Repository.Deploy("k8s", "components", "prometheus-operator");
        var scratch = Directory.CreateTempSubdirectory("renderfarm-prometheusrule-");
        try
        {
            var written = Path.Combine(scratch.FullName, "server-prometheusrule.yaml");
            var (exitCode, output) = await Tools.RunAsync("bash", [Path.Combine(component, "server-prometheusrule.sh"), written]);

            Assert.True(exitCode == 0, output);
            Assert.True(File.ReadAllBytes(written).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(component, "server-prometheusrule.yaml"))),
                "server-prometheusrule.yaml is not what its script writes from deploy/prometheus/rules/renderfarm-alerts.yml: "
                + "run bash deploy/k8s/components/prometheus-operator/server-prometheusrule.sh");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Grafana_component_ships_the_dashboard_file_for_the_sidecar()
    {
        var objects = await KubernetesObjects.BuildAsync("base+grafana");
        var dashboard = Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Labels.ContainsKey("grafana_dashboard"));

        Assert.Equal("1", dashboard.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal(
            await File.ReadAllTextAsync(Repository.Deploy("grafana", "renderfarm-dashboard.json")),
            dashboard.Data["renderfarm-dashboard.json"]);
    }

    [Fact]
    public async Task Dev_overlay_runs_one_replica_without_a_disruption_budget_and_an_optional_token()
    {
        var objects = await KubernetesObjects.BuildAsync("overlays/dev");
        var deployment = objects.Single<V1Deployment>();

        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Empty(objects.OfType<V1PodDisruptionBudget>());
        Assert.True(deployment.Spec.Template.Spec.Containers.Single().Env.Single(e => e.Name == "RenderFarm__Tokens__0").ValueFrom.SecretKeyRef.Optional);
    }

    [Fact]
    public void Kustomizations_use_current_fields_and_one_object_per_file_named_component_kind()
    {
        var kustomizations = Directory.GetFiles(Repository.Deploy(), "kustomization.yaml", SearchOption.AllDirectories);
        Assert.NotEmpty(kustomizations);
        foreach (var path in kustomizations)
        {
            var kustomization = Yaml.Load(path).AsObject();
            foreach (var deprecated in new[] { "commonLabels", "patchesStrategicMerge", "patchesJson6902", "bases", "vars" })
            {
                Assert.False(kustomization.ContainsKey(deprecated), $"{path} uses the deprecated {deprecated}");
            }

            foreach (var resource in kustomization["resources"]?.AsArray() ?? [])
            {
                var file = Path.Combine(Path.GetDirectoryName(path)!, resource!.ToString());
                if (!File.Exists(file))
                {
                    continue;
                }

                var item = Assert.Single(KubernetesObjects.Parse(File.ReadAllText(file)));
                Assert.True(Path.GetFileName(file).EndsWith($"-{item.Kind.ToLowerInvariant()}.yaml", StringComparison.Ordinal),
                    $"{file} holds a {item.Kind}: name it <component>-{item.Kind.ToLowerInvariant()}.yaml");
            }
        }
    }
}
