using System.Reflection;
using System.Text.RegularExpressions;
using RenderFarm.Testing;

namespace RenderFarm.Benchmarks;

/// <summary>The do-nothing gRPC server: the RenderFarm server's stack with an empty Report handler.</summary>
public sealed partial class NullServer(ChildProcess process) : IAsyncDisposable
{
    private static readonly string Assembly = typeof(NullServer).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "NullServerAssembly").Value!;

    public Uri GrpcAddress => new($"http://127.0.0.1:{process.Ready.Groups[1].Value}");

    public static async Task<NullServer> StartAsync() => new(await ChildProcess.StartAsync(
        "dotnet", [Assembly, "--RenderFarm:GrpcPort=0", "--RenderFarm:HttpPort=0"], ListeningProcess.ListeningLine(),
        Path.GetDirectoryName(Assembly)));

    public ValueTask DisposeAsync() => process.DisposeAsync();
}

/// <summary>
/// Prometheus Pushgateway (Debian's <c>prometheus-pushgateway</c>) on an ephemeral loopback
/// port, without a persistence file: a stale one would make pushes fail as inconsistent.
/// </summary>
public sealed partial class Pushgateway(ChildProcess process, bool consistencyCheck) : IAsyncDisposable
{
    public Uri Address => new($"http://127.0.0.1:{process.Ready.Groups[1].Value}");

    public string Configuration => consistencyCheck ? "as shipped" : "--push.disable-consistency-check";

    public static async Task<Pushgateway> StartAsync(bool consistencyCheck)
    {
        List<string> arguments = ["--web.listen-address=127.0.0.1:0", "--persistence.file="];
        if (!consistencyCheck)
        {
            arguments.Add("--push.disable-consistency-check");
        }

        return new Pushgateway(
            await ChildProcess.StartAsync(Tools.Require("prometheus-pushgateway"), arguments, ListeningLine()), consistencyCheck);
    }

    public static async Task<string> VersionAsync()
    {
        var (_, output) = await Tools.RunAsync("prometheus-pushgateway", ["--version"]);
        return output.Split('\n')[0].Trim();
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();

    [GeneratedRegex(@"msg=""Listening on"" address=127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
