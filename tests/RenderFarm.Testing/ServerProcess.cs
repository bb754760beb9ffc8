using System.Diagnostics;
using System.Net;
using System.Reflection;
using Xunit.Abstractions;

namespace RenderFarm.Testing;

/// <summary>
/// The real RenderFarm server under test as a child process, on ephemeral ports unless told: its ports are the ones
/// the kernel says it listens on, told apart by which one answers HTTP/1.1; its log lines go to the test output.
/// Dispose stops it. The one way tests start a server, however it is packaged (the built assembly, a published
/// executable, an image's entry point).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;

    private ServerProcess(ChildProcess process) => _process = process;

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

    public int ProcessId => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line the server wrote so far.</summary>
    public IReadOnlyCollection<string> Log => _process.Lines;

    /// <summary>
    /// Starts the server with <paramref name="settings"/> (keys like <c>RenderFarm:InstanceTtl</c>)
    /// and waits until it listens. Ports default to 0 (ephemeral) unless given.
    /// </summary>
    public static Task<ServerProcess> StartAsync(
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

        return StartAsync(Launch(all, workingDirectory: workingDirectory), "server", output, tls: all.ContainsKey("Kestrel:Certificates:Default:Path"));
    }

    /// <summary>
    /// Starts a server some other way than the built assembly (a published executable, an image's entry point in a
    /// sandbox, started by <paramref name="start"/>), named <paramref name="name"/> in the log, and waits until it listens.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(ProcessStartInfo start, string name, ITestOutputHelper? output, bool tls = false)
    {
        var server = new ServerProcess(ChildProcess.Start(start, name, output)) { Tls = tls };
        try
        {
            (server.GrpcPort, server.HttpPort) = await server.PortsAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
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

        await using var server = ChildProcess.Start(Launch(all, environment), "server");
        try
        {
            return (await server.WaitForExitAsync(StartTimeout), server.Output);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException("The server kept running: " + server.Output);
        }
    }

    /// <summary>Detach from the test output (a shared fixture outlives one test's output helper).</summary>
    public void SetOutput(ITestOutputHelper? output) => _process.SetOutput(output);

    /// <summary>Ends the process at once, as a crash or an OOM kill would.</summary>
    public void Kill() => _process.Kill();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>
    /// The two ports it listens on, told apart by what each speaks, once both answer. The native gRPC port speaks only
    /// HTTP/2 (Kestrel answers an HTTP/1.1 request there with a 400 of its own, so any status is no sign); in plain text
    /// the HTTP port speaks only HTTP/1.1, and with TLS it speaks both, while the gRPC port's TLS offers only h2.
    /// </summary>
    private async Task<(int Grpc, int Http)> PortsAsync()
    {
        var ports = await _process.ListeningPortsAsync(2, StartTimeout);
        if (ports.Count != 2)
        {
            throw new InvalidOperationException($"{_process.Name} listens on {ports.Count} ports ({string.Join(", ", ports)}), not 2:\n{_process.Output}");
        }

        // Which protocol a loopback port speaks, not whom: the test's own certificate is checked by the tests that mean to.
#pragma warning disable CA5359
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
#pragma warning restore CA5359
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        async Task<bool> Answers(int port, Version version)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{Scheme}://127.0.0.1:{port}/healthz")
                {
                    Version = version,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                };
                using var response = await http.SendAsync(request);
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }

        // The one version only one of the two ports speaks: plain HTTP/2 is the gRPC port's; HTTP/1.1 over TLS the HTTP port's.
        var telling = Tls ? HttpVersion.Version11 : HttpVersion.Version20;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var speaking = new List<int>();
            foreach (var port in ports)
            {
                if (await Answers(port, telling))
                {
                    speaking.Add(port);
                }
            }

            if (speaking.Count == 1)
            {
                var other = ports.Single(p => p != speaking[0]);
                var (grpc, web) = Tls ? (other, speaking[0]) : (speaking[0], other);
                if (Tls || await Answers(web, HttpVersion.Version11))
                {
                    return (grpc, web);
                }
            }

            if (_process.HasExited || clock.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException(
                    $"{_process.Name}: of ports {ports[0]} and {ports[1]}, {speaking.Count} answered HTTP/{telling}, not one:\n{_process.Output}");
            }

            await Task.Delay(20);
        }
    }

    private static ProcessStartInfo Launch(Dictionary<string, string> settings, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
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
        return start;
    }
}
