using System.Diagnostics;
using System.Reflection;
using RenderFarm.Testing;

namespace RenderFarm.Benchmarks;

/// <summary>The do-nothing gRPC server: the RenderFarm server's stack with an empty Report handler.</summary>
public sealed class NullServer(ServerProcess process) : IAsyncDisposable
{
    private static readonly string Assembly = typeof(NullServer).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "NullServerAssembly").Value!;

    public Uri GrpcAddress => process.GrpcAddress;

    public static async Task<NullServer> StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(Assembly)! };
        foreach (var argument in new[] { Assembly, "--RenderFarm:GrpcPort=0", "--RenderFarm:HttpPort=0" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return new NullServer(await ServerProcess.StartAsync(start, "null server", output: null));
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}

/// <summary>
/// Prometheus Pushgateway (Debian's <c>prometheus-pushgateway</c>) on an ephemeral loopback
/// port, without a persistence file: a stale one would make pushes fail as inconsistent.
/// </summary>
public sealed class Pushgateway(ChildProcess process, int port, bool consistencyCheck) : IAsyncDisposable
{
    public Uri Address => new($"http://127.0.0.1:{port}");

    public string Configuration => consistencyCheck ? "as shipped" : "--push.disable-consistency-check";

    public static async Task<Pushgateway> StartAsync(bool consistencyCheck)
    {
        List<string> arguments = ["--web.listen-address=127.0.0.1:0", "--persistence.file="];
        if (!consistencyCheck)
        {
            arguments.Add("--push.disable-consistency-check");
        }

        var process = ChildProcess.Start("prometheus-pushgateway", arguments);
        try
        {
            var ports = await process.ListeningPortsAsync(1, TimeSpan.FromSeconds(60));
            return new Pushgateway(process, ports[0], consistencyCheck);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public static async Task<string> VersionAsync()
    {
        var (_, output) = await Tools.RunAsync("prometheus-pushgateway", ["--version"]);
        return output.Split('\n')[0].Trim();
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
