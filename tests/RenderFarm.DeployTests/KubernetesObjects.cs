using k8s;
using k8s.Models;

namespace RenderFarm.DeployTests;

/// <summary>A kustomize build parsed strictly: every object into its typed model, unknown fields refused.</summary>
internal static class KubernetesObjects
{
    private static readonly Dictionary<string, Type> CustomResources = new()
    {
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(V1ServiceMonitor),
        ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(V1PrometheusRule),
    };

    public static List<IKubernetesObject<V1ObjectMeta>> Parse(string yaml) =>
        [.. KubernetesYaml.LoadAllFromString(yaml, CustomResources, strict: true).Cast<IKubernetesObject<V1ObjectMeta>>()];

    public static async Task<List<IKubernetesObject<V1ObjectMeta>>> BuildAsync(string build) =>
        Parse(await Kustomize.BuildAsync(build));

    public static T Single<T>(this IEnumerable<IKubernetesObject<V1ObjectMeta>> objects) => objects.OfType<T>().Single();
}
