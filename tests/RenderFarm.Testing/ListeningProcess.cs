using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace RenderFarm.Testing;

/// <summary>
/// A RenderFarm server started some other way than <see cref="ServerProcess"/> (a published executable, a
/// container-like sandbox): its output goes to the test's log, and its start-up line gives its ports.
/// </summary>
public sealed partial class ListeningProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _what;
    private readonly TaskCompletionSource<(int, int)> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _log = [];

    private ListeningProcess(Process process, string what)
    {
        _process = process;
        _what = what;
    }

    /// <summary>The native gRPC and HTTP ports from the start-up line; throws with everything printed when it never came.</summary>
    public Task<(int Grpc, int Http)> Listening => ListeningAsync();

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    /// <summary>The start-up line of the server (its ports in groups 1 and 2).</summary>
    [GeneratedRegex(@"RenderFarm listening: native gRPC on port (\d+), HTTP/1\.1 .* on port (\d+)")]
    public static partial Regex ListeningLine();

    /// <summary>Starts <paramref name="start"/> (output redirected here); <paramref name="what"/> names it in the log and in errors.</summary>
    public static ListeningProcess Start(ProcessStartInfo start, string what, ITestOutputHelper output)
    {
        var server = new ListeningProcess(new Process { StartInfo = start }, what);
        server._process.StartReadingLines(line => server.OnLine(line, output));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line, ITestOutputHelper output)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Add(line);
        }

        try
        {
            output.WriteLine($"[{_what}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test that owned the output has finished.
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult((int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)));
        }
    }

    private async Task<(int, int)> ListeningAsync()
    {
        var finished = await Task.WhenAny(_listening.Task, _process.WaitForExitAsync(), Task.Delay(StartDeadline));
        if (finished != _listening.Task)
        {
            lock (_log)
            {
                throw new InvalidOperationException($"The {_what} server did not start:\n" + string.Join('\n', _log));
            }
        }

        return await _listening.Task;
    }
}
