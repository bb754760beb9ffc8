using System.Text.RegularExpressions;
using k8s.Models;

namespace RenderFarm.DeployTests;

/// <summary>README's roll-out steps, followed literally, meet the objects they name.</summary>
public partial class ReadmeTests
{
    [Fact]
    public async Task Kubernetes_steps_build_the_image_the_overlay_runs_and_create_the_secret_it_reads()
    {
        var steps = ShellBlockUnder("### The server on Kubernetes");
        var apply = Assert.Single(Regex.Matches(steps, @"^kubectl apply -k deploy/k8s/(\S+)$", RegexOptions.Multiline));
        var objects = await KubernetesObjects.BuildAsync(apply.Groups[1].Value);
        var deployment = objects.Single<V1Deployment>();
        var container = deployment.Spec.Template.Spec.Containers.Single();

        Assert.Equal(container.Image, Regex.Match(steps, @"^docker build -f deploy/docker/Dockerfile -t (\S+) \.$", RegexOptions.Multiline).Groups[1].Value);
        Assert.Equal(container.Image, Regex.Match(steps, @"^docker push (\S+)$", RegexOptions.Multiline).Groups[1].Value);

        var secret = Regex.Match(steps, @"^kubectl -n (\S+) create secret generic (\S+) --from-literal=(\w+)=", RegexOptions.Multiline);
        Assert.True(secret.Success, steps);
        var reference = container.Env.Single(e => e.Name == "RenderFarm__Tokens__0").ValueFrom.SecretKeyRef;
        Assert.Equal((deployment.Metadata.NamespaceProperty, reference.Name, reference.Key),
            (secret.Groups[1].Value, secret.Groups[2].Value, secret.Groups[3].Value));
        Assert.Contains($"kubectl create namespace {deployment.Metadata.NamespaceProperty}\n", steps, StringComparison.Ordinal);
    }

    [Fact]
    public void Systemd_steps_publish_where_the_unit_starts_and_create_the_user_it_runs_as()
    {
        var steps = ShellBlockUnder("### The server as a service (systemd)");
        var unit = File.ReadAllLines(Repository.Deploy("systemd", "renderfarm-server.service"));
        string Setting(string key) => unit.Single(l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];

        var folder = Regex.Match(steps, @"^bash deploy/systemd/publish\.sh (\S+)", RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal(folder + "/RenderFarm.Server", Setting("ExecStart"));
        Assert.Contains($"useradd --system --no-create-home --shell /usr/sbin/nologin {Setting("User")}\n", steps, StringComparison.Ordinal);
        Assert.Contains($"-g {Setting("Group")} ", steps, StringComparison.Ordinal);
        Assert.Contains("cp deploy/systemd/renderfarm-server.service /etc/systemd/system/", steps, StringComparison.Ordinal);
        Assert.Contains(Setting("EnvironmentFile").TrimStart('-'), steps, StringComparison.Ordinal);
    }

    /// <summary>The first ```sh block after <paramref name="heading"/> in README.</summary>
    private static string ShellBlockUnder(string heading)
    {
        var readme = File.ReadAllText(Repository.File("README.md"));
        var at = readme.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(at >= 0, $"README has no heading '{heading}'");
        var block = ShellBlock().Match(readme, at);
        Assert.True(block.Success, $"no ```sh block under '{heading}'");
        return block.Groups[1].Value;
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
