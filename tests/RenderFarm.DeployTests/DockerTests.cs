using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using RenderFarm.Contracts.V1;

namespace RenderFarm.DeployTests;

/// <summary>
/// No container engine runs here, so the image is checked by doing what its build does:
/// the build stage's COPY lines into a fresh context, its RUN line (the shared publish
/// script), then the runtime stage's entry point as its user on a read-only root.
/// </summary>
public partial class DockerTests(ITestOutputHelper output)
{
    [Fact]
    public void Dockerfile_goes_from_the_sdk_to_the_aspnet_runtime_as_a_non_root_user_without_healthcheck()
    {
        var dockerfile = Dockerfile.Load();
        var (build, runtime) = (dockerfile.Stages[0], dockerfile.Stages[^1]);

        Assert.Equal(2, dockerfile.Stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", build.Image, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", runtime.Image, StringComparison.Ordinal);
        Assert.Equal(["bash deploy/docker/publish.sh /app"], build.Arguments("RUN"));
        Assert.Contains($"--from={build.Name} /app ./", runtime.Arguments("COPY"));
        Assert.True(int.TryParse(runtime.User, out var uid) && uid > 0, $"USER {runtime.User} is not a numeric non-root user");
        Assert.Equal(["50051 8000"], runtime.Arguments("EXPOSE"));
        Assert.DoesNotContain(dockerfile.Stages, s => s.Arguments("HEALTHCHECK").Any());
        Assert.Equal(["dotnet", "RenderFarm.Server.dll"], runtime.EntryPoint);

        var ignored = File.ReadAllLines(Dockerfile.Path + ".dockerignore");
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
    }

    [Fact]
    public async Task Image_build_publishes_a_server_that_serves_as_the_image_user_on_a_read_only_root()
    {
        var dockerfile = Dockerfile.Load();
        var (build, runtime) = (dockerfile.Stages[0], dockerfile.Stages[^1]);
        var scratch = Directory.CreateTempSubdirectory("renderfarm-image-");
        try
        {
            var context = Directory.CreateDirectory(Path.Combine(scratch.FullName, "src")).FullName;
            var app = Path.Combine(scratch.FullName, "app");
            foreach (var copy in build.Arguments("COPY"))
            {
                CopyIntoContext(copy, context);
            }

            var run = build.Arguments("RUN").Single().Replace(" /app", " " + app, StringComparison.Ordinal);
            var (exitCode, publishOutput) = await Tools.RunAsync("bash", ["-c", $"cd {context} && {run}"], timeout: TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, $"the image's publish step failed:\n{publishOutput}");

            var tmp = Directory.CreateDirectory(Path.Combine(scratch.FullName, "tmp")).FullName;
            if (!OperatingSystem.IsWindows())
            {
                // The image's user must reach the published files, as it can in the image.
                File.SetUnixFileMode(scratch.FullName, (UnixFileMode)0b111_101_101);
            }

            await using var server = await StartReadOnly(app, tmp, runtime);
            var (grpcPort, httpPort) = (server.GrpcPort, server.HttpPort);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            Assert.Equal("Healthy", await http.GetStringAsync("/readyz"));
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            await new Reporter.ReporterClient(channel).ReportAsync(Farm.Report("image-node", rendering: true));
            var scrape = Exposition.Parse(await http.GetStringAsync("/metrics"));
            Assert.Equal(1, scrape.Instance("Blender_Render", "image-node", "0"));
            Assert.False(server.HasExited);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Compose_file_passes_docker_compose_config_and_mounts_shipped_files()
    {
        var compose = Repository.Deploy("docker", "compose.yaml");

        var (exitCode, configOutput) = await Tools.RunAsync("docker-compose", ["-f", compose, "config", "-q"]);

        Assert.True(exitCode == 0, $"docker-compose config rejected {compose}:\n{configOutput}");
        var services = Yaml.Load(compose)["services"]!;
        var server = services["renderfarm-server"]!;
        Assert.Equal("true", server["read_only"]!.ToString());
        Assert.Equal("deploy/docker/Dockerfile", server["build"]!["dockerfile"]!.ToString());
        Assert.Equal(Repository.Root, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(compose)!, server["build"]!["context"]!.ToString())));
        Assert.Equal(["50051:50051", "8000:8000"], server["ports"]!.AsArray().Select(p => p!.ToString()));
        var mounted = services.AsObject().SelectMany(s => s.Value!["volumes"]?.AsArray() ?? [])
            .Select(v => v!.ToString().Split(':')[0]).Where(v => v.StartsWith('.')).ToList();
        Assert.Contains("../prometheus/prometheus.yml", mounted);
        Assert.Contains("../grafana/renderfarm-dashboard.json", mounted);
        Assert.All(mounted, source => Assert.True(Path.Exists(Path.Combine(Path.GetDirectoryName(compose)!, source)), $"{source} does not exist"));
    }

    /// <summary>COPY a b … dest/, relative to the repository (the build context) and the stage's WORKDIR.</summary>
    private static void CopyIntoContext(string copy, string context)
    {
        var parts = copy.Split(' ');
        var destination = Path.Combine(context, parts[^1]);
        foreach (var source in parts[..^1].Select(s => Repository.File(s.TrimEnd('/'))))
        {
            if (Directory.Exists(source))
            {
                CopyDirectory(source, parts.Length == 2 ? destination : Path.Combine(destination, Path.GetFileName(source)));
            }
            else
            {
                Directory.CreateDirectory(destination);
                File.Copy(source, Path.Combine(destination, Path.GetFileName(source)));
            }
        }
    }

    /// <summary>Copies a folder as the build context has it: without bin/ and obj/ (Dockerfile.dockerignore).</summary>
    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopyDirectory(directory, Path.Combine(destination, Path.GetFileName(directory)));
        }
    }

    /// <summary>
    /// The runtime stage's entry point in a private mount namespace whose root is read-only,
    /// as the image's user, with only the image's environment: what readOnlyRootFilesystem gives.
    /// </summary>
    private Task<ServerProcess> StartReadOnly(string app, string tmp, DockerStage runtime)
    {
        var environment = string.Join(' ', runtime.Environment.Select(e => $"{e.Key}='{e.Value}'"));
        var script = string.Join('\n',
            "set -e",
            "mount --make-rprivate /",
            $"mount --bind {app} {app}",
            "mount -o remount,bind,ro /",
            $"mount -o remount,bind,ro {app}",
            $"mount -t tmpfs -o size=16m,mode=1777 tmpfs {tmp}",
            $"cd {app}",
            $"exec setpriv --reuid {runtime.User} --regid {runtime.User} --clear-groups env -i PATH=/usr/bin:/bin HOME=/nonexistent TMPDIR={tmp} {environment} " +
            $"{string.Join(' ', runtime.EntryPoint)} --RenderFarm:GrpcPort=0 --RenderFarm:HttpPort=0");
        var start = new ProcessStartInfo(Tools.Require("unshare"));
        foreach (var argument in new[] { "--mount", "bash", "-c", script })
        {
            start.ArgumentList.Add(argument);
        }

        return ServerProcess.StartAsync(start, "image on a read-only root", output);
    }
}
