using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RenderFarm.Benchmarks;

/// <summary>
/// A server under measurement as a child process: started, waited for until a line of its
/// output says where it listens, killed on dispose. Its output is kept for error messages.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Regex _ready;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly TaskCompletionSource<Match> _readyLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, Regex ready)
    {
        _process = process;
        _ready = ready;
    }

    public int ProcessId => _process.Id;

    /// <summary>The match of the ready line: its groups carry the ports.</summary>
    public Match Ready { get; private set; } = Match.Empty;

    public string Output => string.Join('\n', _log);

    public static async Task<ChildProcess> StartAsync(string fileName, IEnumerable<string> arguments, Regex ready,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process, ready);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var finished = await Task.WhenAny(child._readyLine.Task, process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (finished != child._readyLine.Task)
        {
            await child.DisposeAsync();
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} did not start listening:\n{child.Output}");
        }

        child.Ready = await child._readyLine.Task;
        return child;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // It never started.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        if (_ready.Match(line) is { Success: true } match)
        {
            _readyLine.TrySetResult(match);
        }
    }
}
