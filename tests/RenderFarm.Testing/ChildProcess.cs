using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace RenderFarm.Testing;

/// <summary>
/// A process a test starts: standard output and error read line by line, kept for the failure message and passed to
/// the test's log under the process's name; the ports it listens on read from the kernel; killed with its
/// descendants on dispose. The one way tests and tools run a child.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>Lines kept (for the failure message, for a caller that parses them): a runaway child must not fill the test's memory.</summary>
    private const int KeptLines = 200_000;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _standardOutput = new();
    private readonly ConcurrentQueue<string> _standardError = new();
    private ITestOutputHelper? _output;

    private readonly Func<string, bool>? _keep;

    private ChildProcess(Process process, string name, ITestOutputHelper? output, Func<string, bool>? keep)
    {
        _process = process;
        Name = name;
        _output = output;
        _keep = keep;
    }

    /// <summary>How it is named in the log and in errors.</summary>
    public string Name { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Every line it wrote so far (the first <see cref="KeptLines"/>), both streams as they came.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    public string Output => string.Join('\n', _lines);

    /// <summary>Since it was started: the log's time stamps, to line its output up with the test's.</summary>
    public Stopwatch Age { get; } = new();

    /// <summary>Starts <paramref name="start"/>; its output is redirected here whatever <paramref name="start"/> says.</summary>
    /// <param name="keep">The lines worth keeping and logging; null for all (a Blender's progress lines are many and say nothing).</param>
    public static ChildProcess Start(ProcessStartInfo start, string name, ITestOutputHelper? output = null, bool redirectInput = false,
        Func<string, bool>? keep = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = redirectInput;
        start.UseShellExecute = false;
        var child = new ChildProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, name, output, keep);
        child._process.OutputDataReceived += (_, e) => child.OnLine(e.Data, child._standardOutput);
        child._process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, child._standardError);
        child._process.Start();
        child.Age.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Starts <paramref name="program"/> (found on PATH) with <paramref name="arguments"/>.</summary>
    public static ChildProcess Start(string program, IEnumerable<string> arguments, string? name = null, ITestOutputHelper? output = null)
    {
        var start = new ProcessStartInfo(Tools.Require(program));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Start(start, name ?? Path.GetFileName(program), output);
    }

    /// <summary>
    /// Runs <paramref name="start"/> to its end: its exit code and everything it wrote, standard output first (whole, for
    /// a caller that parses it), then standard error; killed, and an error naming it, past <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, TimeSpan timeout, string? stdin = null,
        ITestOutputHelper? output = null)
    {
        await using var child = Start(start, Path.GetFileName(start.FileName), output, redirectInput: stdin is not null);
        if (stdin is not null)
        {
            await child._process.StandardInput.WriteAsync(stdin);
            child._process.StandardInput.Close();
        }

        var exitCode = await child.WaitForExitAsync(timeout);
        return (exitCode, string.Concat(child._standardOutput.Concat(child._standardError).Select(line => line + "\n")));
    }

    /// <summary>Passes its lines to another test's log, or to none (a shared fixture outlives one test's).</summary>
    public void SetOutput(ITestOutputHelper? output) => _output = output;

    /// <summary>Waits for it to end, its output read to the last line; past <paramref name="timeout"/> kills it and throws with its output.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Name} still ran after {timeout.TotalSeconds:0.#} s:\n{Output}");
        }

        _process.WaitForExit(); // the output readers drain
        return _process.ExitCode;
    }

    /// <summary>
    /// Polls the kernel until it listens on at least <paramref name="count"/> TCP ports; throws with its output when it
    /// exits first or <paramref name="deadline"/> passes.
    /// </summary>
    public async Task<IReadOnlyList<int>> ListeningPortsAsync(int count, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var ports = ListeningSockets.Of(_process.Id);
            if (ports.Count >= count)
            {
                return ports;
            }

            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it listened:\n{Output}");
            }

            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{Name} listened on {ports.Count} of {count} ports after {deadline.TotalSeconds:0} s:\n{Output}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Ends it and its descendants at once, as a crash or an OOM kill would.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line, ConcurrentQueue<string> stream)
    {
        if (line is null || _keep is not null && !_keep(line))
        {
            return;
        }

        if (_lines.Count < KeptLines)
        {
            _lines.Enqueue(line);
            stream.Enqueue(line);
        }

        try
        {
            _output?.WriteLine($"[{Name} +{Age.Elapsed.TotalSeconds:F2}s] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test that owned the output has finished.
        }
    }
}
