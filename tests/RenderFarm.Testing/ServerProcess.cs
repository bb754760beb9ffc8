using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace RenderFarm.Testing;

/// <summary>
/// The real RenderFarm server, started as a child process on ephemeral loopback-reachable
/// ports, its log lines passed to the test output. Dispose stops it.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly TaskCompletionSource<(int Grpc, int Http)> _listening =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITestOutputHelper? _output;

    private ServerProcess(Process process, ITestOutputHelper? output)
    {
        _process = process;
        _output = output;
    }

    /// <summary>Path of the server assembly built beside the tests.</summary>
    public static string ServerAssembly { get; } = typeof(ServerProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RenderFarmServerAssembly").Value!;

    public int GrpcPort { get; private set; }

    public int HttpPort { get; private set; }

    /// <summary>True when started with a Kestrel default certificate: both ports then speak TLS.</summary>
    public bool Tls { get; private set; }

    public Uri GrpcAddress => new($"{Scheme}://127.0.0.1:{GrpcPort}");

    public Uri HttpAddress => new($"{Scheme}://127.0.0.1:{HttpPort}");

    private string Scheme => Tls ? "https" : "http";

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line the server wrote so far.</summary>
    public IReadOnlyCollection<string> Log => _log;

    /// <summary>
    /// Starts the server with <paramref name="settings"/> (keys like <c>RenderFarm:InstanceTtl</c>)
    /// and waits until it listens. Ports default to 0 (ephemeral) unless given.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(
        IReadOnlyDictionary<string, string>? settings = null, ITestOutputHelper? output = null, string? workingDirectory = null)
    {
        var all = new Dictionary<string, string>
        {
            ["RenderFarm:GrpcPort"] = "0",
            ["RenderFarm:HttpPort"] = "0",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var server = Launch(all, output, workingDirectory: workingDirectory);
        var finished = await Task.WhenAny(server._listening.Task, server._process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (finished != server._listening.Task)
        {
            var log = string.Join('\n', server._log);
            await server.DisposeAsync();
            throw new InvalidOperationException($"The server did not start listening:\n{log}");
        }

        (server.GrpcPort, server.HttpPort) = await server._listening.Task;
        server.Tls = all.ContainsKey("Kestrel:Certificates:Default:Path");
        return server;
    }

    /// <summary>Two ports the server can bind, free again once this returns: for a server to come (back) on later.</summary>
    public static async Task<(int Grpc, int Http)> FreePortsAsync()
    {
        await using var probe = await StartAsync();
        return (probe.GrpcPort, probe.HttpPort);
    }

    /// <summary>Starts the server on these ports, as a restart of one that ran there would.</summary>
    public static Task<ServerProcess> StartOnAsync(int grpcPort, int httpPort, ITestOutputHelper? output = null) =>
        StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RenderFarm:HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, output);

    /// <summary>
    /// Runs the server with <paramref name="settings"/> (and <paramref name="environment"/> variables)
    /// expecting it to refuse to start; returns its exit code and everything it wrote. Ports default to 0 (ephemeral) unless given.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        IReadOnlyDictionary<string, string>? settings = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var all = new Dictionary<string, string> { ["RenderFarm:GrpcPort"] = "0", ["RenderFarm:HttpPort"] = "0" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var server = Launch(all, output: null, environment);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await server._process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException("The server kept running: " + string.Join('\n', server._log));
        }

        // Let the output readers drain.
        server._process.WaitForExit();
        var exitCode = server._process.ExitCode;
        await server.DisposeAsync();
        return (exitCode, string.Join('\n', server._log));
    }

    /// <summary>Detach from the test output (a shared fixture outlives one test's output helper).</summary>
    public void SetOutput(ITestOutputHelper? output) => _output = output;

    /// <summary>Ends the process at once, as a crash or an OOM kill would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static ServerProcess Launch(Dictionary<string, string> settings, ITestOutputHelper? output,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(ServerAssembly)! };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(ServerAssembly);
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process, output);
        process.StartReadingLines(server.OnLine);
        return server;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        try
        {
            _output?.WriteLine("[server] " + line);
        }
        catch (InvalidOperationException)
        {
            // The test that owned the output has finished.
        }

        if (ListeningProcess.ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult((int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value)));
        }
    }
}
