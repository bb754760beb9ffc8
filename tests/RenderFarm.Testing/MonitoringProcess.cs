using System.Diagnostics;
using Xunit.Abstractions;

namespace RenderFarm.Testing;

/// <summary>
/// A Prometheus or Alertmanager process on an ephemeral loopback port (both answer <c>/-/ready</c>), from this
/// machine (Debian stable) or elsewhere (a Debian root's, through <c>startInfo</c>), working in a scratch folder.
/// </summary>
public sealed class MonitoringProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;

    private MonitoringProcess(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public HttpClient Http { get; }

    public string Name => _process.Name;

    public string Log => _process.Output;

    /// <summary>
    /// Starts this machine's <paramref name="program"/> with <paramref name="arguments"/>, where <c>{port}</c> stands for
    /// port 0 (the kernel picks one; the one it listens on is read back), and waits for its ready endpoint.
    /// </summary>
    public static Task<MonitoringProcess> StartAsync(string name, string program, string[] arguments, string scratch,
        ITestOutputHelper? output = null) =>
        StartAsync(name, expanded => Plain(Tools.Require(program), expanded), arguments, scratch, output);

    /// <summary>As above, the process made by <paramref name="startInfo"/> from the arguments (e.g. in a Debian root).</summary>
    public static async Task<MonitoringProcess> StartAsync(string name, Func<string[], ProcessStartInfo> startInfo, string[] arguments,
        string scratch, ITestOutputHelper? output = null)
    {
        var start = startInfo([.. arguments.Select(a => a.Replace("{port}", "0", StringComparison.Ordinal))]);
        start.WorkingDirectory = scratch;
        // Its lines are kept for a failure message, not logged: Prometheus at warn level still says much a test does not need.
        var child = ChildProcess.Start(start, name);
        try
        {
            var ports = await child.ListeningPortsAsync(1, StartDeadline);
            if (ports.Count != 1)
            {
                throw new InvalidOperationException($"{name} listens on ports {string.Join(", ", ports)}, not one:\n{child.Output}");
            }

            var process = new MonitoringProcess(child, ports[0]);
            await process.WaitReadyAsync();
            output?.WriteLine($"{name} ready on 127.0.0.1:{process.Port}");
            return process;
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Http.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        var until = Stopwatch.StartNew();
        while (!_process.HasExited && until.Elapsed < StartDeadline)
        {
            try
            {
                using var response = await Http.GetAsync("/-/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Listening, not serving yet.
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"{Name} did not become ready:\n{Log}");
    }

    private static ProcessStartInfo Plain(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
