namespace RenderFarm.DeployTests;

/// <summary>Runs <c>kubectl kustomize</c>, the kustomize users apply with.</summary>
internal static class Kustomize
{
    /// <summary>The base with every subset of the components, and every shipped overlay.</summary>
    public static IEnumerable<string> Builds()
    {
        string[] components = ["prometheus-operator", "grafana"];
        for (var mask = 0; mask < 1 << components.Length; mask++)
        {
            var chosen = components.Where((_, i) => (mask & (1 << i)) != 0).ToArray();
            yield return string.Join("+", ["base", .. chosen]);
        }

        foreach (var overlay in Directory.GetDirectories(Repository.Deploy("k8s", "overlays")).Order())
        {
            yield return "overlays/" + Path.GetFileName(overlay);
        }
    }

    /// <summary>Builds "overlays/name", or "base+component+…" through a throwaway overlay.</summary>
    public static async Task<string> BuildAsync(string build)
    {
        if (build.StartsWith("overlays/", StringComparison.Ordinal))
        {
            return await RunAsync(Repository.Deploy("k8s", build));
        }

        var scratch = Directory.CreateTempSubdirectory("renderfarm-kustomize-");
        try
        {
            string Relative(params string[] parts) => Path.GetRelativePath(scratch.FullName, Repository.Deploy(["k8s", .. parts]));
            var components = build.Split('+').Skip(1).Select(c => $"  - {Relative("components", c)}\n");
            await File.WriteAllTextAsync(Path.Combine(scratch.FullName, "kustomization.yaml"),
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" +
                $"resources:\n  - {Relative("base")}\n" +
                (components.Any() ? "components:\n" + string.Concat(components) : ""));
            return await RunAsync(scratch.FullName);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(string directory)
    {
        try
        {
            Tools.Require("kubectl");
        }
        catch (FileNotFoundException)
        {
            throw new InvalidOperationException(
                "kubectl is not on PATH: the deployment tests build deploy/k8s with `kubectl kustomize`. " +
                "Install kubectl (Debian: kubernetes-client, or https://kubernetes.io/docs/tasks/tools/).");
        }

        var (exitCode, output) = await Tools.RunAsync("kubectl", ["kustomize", directory]);
        Assert.True(exitCode == 0, $"kubectl kustomize {directory} exited {exitCode}:\n{output}");
        return output;
    }
}
