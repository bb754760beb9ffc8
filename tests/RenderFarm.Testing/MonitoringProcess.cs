using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace RenderFarm.Testing;

/// <summary>
/// A Prometheus or Alertmanager process on a loopback port (both answer <c>/-/ready</c>), from this machine
/// (Debian stable) or elsewhere (a Debian root's, through <c>startInfo</c>), working in a scratch folder.
/// </summary>
public sealed class MonitoringProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private MonitoringProcess(Process process, int port, string name)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        Name = name;
    }

    public int Port { get; }

    public HttpClient Http { get; }

    public string Name { get; }

    public string Log => string.Join('\n', _log);

    /// <summary>
    /// Starts this machine's <paramref name="program"/> with <paramref name="arguments"/>, where <c>{port}</c> stands for a
    /// free loopback port, and waits for its ready endpoint.
    /// </summary>
    public static Task<MonitoringProcess> StartAsync(string name, string program, string[] arguments, string scratch,
        ITestOutputHelper? output = null) =>
        StartAsync(name, expanded => Plain(Tools.Require(program), expanded), arguments, scratch, output);

    /// <summary>As above, the process made by <paramref name="startInfo"/> from the arguments (e.g. in a Debian root).</summary>
    public static async Task<MonitoringProcess> StartAsync(string name, Func<string[], ProcessStartInfo> startInfo, string[] arguments,
        string scratch, ITestOutputHelper? output = null)
    {
        // These programs do not report a port they picked themselves: take a free one, retry if it was taken meanwhile.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var expanded = arguments.Select(a => a.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                StringComparison.Ordinal)).ToArray();
            var start = startInfo(expanded);
            start.WorkingDirectory = scratch;
            var process = new MonitoringProcess(Process.Start(start)!, port, name);
            process._process.OutputDataReceived += (_, e) => process.Keep(e.Data);
            process._process.ErrorDataReceived += (_, e) => process.Keep(e.Data);
            process._process.BeginOutputReadLine();
            process._process.BeginErrorReadLine();
            if (await process.WaitReadyAsync(TimeSpan.FromSeconds(60)))
            {
                output?.WriteLine($"{name} ready on 127.0.0.1:{port}");
                return process;
            }

            var log = process.Log;
            await process.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"{name} did not become ready:\n{log}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Http.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null && _log.Count < 2000)
        {
            _log.Enqueue(line);
        }
    }

    private async Task<bool> WaitReadyAsync(TimeSpan deadline)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await Http.GetAsync("/-/ready");
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static ProcessStartInfo Plain(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>A loopback port free now (for programs that cannot report one they picked themselves).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
