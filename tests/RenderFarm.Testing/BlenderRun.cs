using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace RenderFarm.Testing;

/// <summary>
/// A Blender of the version matrix in background mode, started as render managers start it
/// (<c>blender -b -y … -a</c>, no <c>--addons</c>, no <c>--online-mode</c>), with the add-on installed and enabled
/// in its own home folder (see <see cref="AddonInstallation"/>), in its own temporary folder. Dispose kills it and cleans up.
/// </summary>
public sealed class BlenderRun : IAsyncDisposable
{
    private const string AddonPrefix = "RenderFarm:";

    private readonly ChildProcess _process;
    private readonly string _workspace;

    private BlenderRun(ChildProcess process, string workspace)
    {
        _process = process;
        _workspace = workspace;
    }

    /// <summary>Where the rendered frames land.</summary>
    public string OutputDirectory => Path.Combine(_workspace, "frames");

    public IReadOnlyCollection<string> Lines => _process.Lines;

    public Stopwatch Age => _process.Age;

    /// <summary>When the process was started, on the clock Blender's own <c>time.time()</c> reads (see <see cref="EventTimeAsync"/>).</summary>
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>Renders <paramref name="frames"/> frames (Scenes/render_scene.py), then waits idle for <see cref="ReleaseAsync"/>.</summary>
    /// <remarks>With <paramref name="addon"/> false, Blender runs without the add-on installed: the baseline of what a render costs.
    /// <paramref name="flags"/> go on Blender's command line before the scene (e.g. <c>--offline-mode</c>).</remarks>
    /// <remarks><paramref name="home"/>: a home folder whose preferences already hold the add-on and its settings (then
    /// <paramref name="server"/> may be null: no RENDERFARM_SERVER).</remarks>
    public static Task<BlenderRun> RenderAsync(BlenderVersion version, string? server, string host, ITestOutputHelper output,
        int frames = 3, int samples = 128, IReadOnlyDictionary<string, string>? environment = null, bool addon = true,
        string? home = null, params string[] flags) =>
        StartAsync(version, [.. flags, "--python", "render_scene.py", "-a", "--python", "wait_for_release.py"], addon,
            server, host, output, home, SceneEnvironment(environment, frames, samples));

    /// <summary>Renders the frames that <paramref name="frames"/> names (<c>-f</c>, as render managers start a chunk of a
    /// job) of a scene of frames 1 to <paramref name="sceneFrames"/> (Scenes/render_scene.py), then waits idle for
    /// <see cref="ReleaseAsync"/>.</summary>
    public static Task<BlenderRun> RenderFramesAsync(BlenderVersion version, string server, string host, ITestOutputHelper output,
        string frames, int sceneFrames, int samples = 128, IReadOnlyDictionary<string, string>? environment = null) =>
        StartAsync(version, ["--python", "render_scene.py", "-f", frames, "--python", "wait_for_release.py"], addon: true,
            server, host, output, homeToCopy: null, SceneEnvironment(environment, sceneFrames, samples));

    /// <summary>Renders <paramref name="frames"/> frames (Scenes/render_scene.py) and exits, as a render manager's
    /// <c>blender -b -y file.blend -a</c> does; <paramref name="output"/> null keeps Blender's lines out of any log.
    /// <paramref name="flags"/> go on Blender's command line before the scene.</summary>
    public static Task<BlenderRun> RenderAndExitAsync(BlenderVersion version, string? server, string host, ITestOutputHelper? output,
        int frames, int samples, IReadOnlyDictionary<string, string>? environment = null, bool addon = true, params string[] flags) =>
        StartAsync(version, [.. flags, "--python", "render_scene.py", "-a"], addon, server, host, output, homeToCopy: null,
            SceneEnvironment(environment, frames, samples));

    /// <summary>Starts Blender idle, waiting for <see cref="ReleaseAsync"/>.</summary>
    public static Task<BlenderRun> IdleAsync(BlenderVersion version, string server, string host, ITestOutputHelper output,
        IReadOnlyDictionary<string, string>? environment = null) =>
        StartAsync(version, ["--python", "wait_for_release.py"], addon: true, server, host, output, homeToCopy: null,
            new Dictionary<string, string>(environment ?? new Dictionary<string, string>()));

    /// <summary>Seconds since the Unix epoch that Blender printed for <c>renderfarm-test: {event}</c>.</summary>
    public async Task<double> EventTimeAsync(string name, TimeSpan deadline)
    {
        var line = await WaitForLineAsync(l => l.StartsWith($"renderfarm-test: {name} ", StringComparison.Ordinal), deadline);
        return double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan deadline)
    {
        var until = Stopwatch.StartNew();
        while (true)
        {
            if (Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (until.Elapsed > deadline || _process.HasExited && Lines.FirstOrDefault(match) is null && until.Elapsed > TimeSpan.FromSeconds(1))
            {
                throw new TimeoutException($"Blender printed no such line within {deadline} (exited: {_process.HasExited})");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Lets the idle wait end so Blender exits normally; returns its exit code.</summary>
    public async Task<int> ReleaseAsync(TimeSpan deadline)
    {
        await File.WriteAllTextAsync(Path.Combine(_workspace, "release"), "");
        return await WaitForExitAsync(deadline);
    }

    public Task<int> WaitForExitAsync(TimeSpan deadline) => _process.WaitForExitAsync(deadline);

    /// <summary>SIGKILL: no handler, no atexit, no sign-off.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGINT, as Ctrl-C in the farm's console: Blender cancels the render and goes on with the next argument.</summary>
    public void Interrupt() => Signals.Send(_process.ProcessId, Signals.Interrupt);

    public string[] RenderedFrames() =>
        Directory.Exists(OutputDirectory) ? [.. Directory.GetFiles(OutputDirectory, "*.png").Order()] : [];

    /// <summary>The add-on's lines, even one that something else printed into the middle of.</summary>
    public string[] AddonLines() =>
    [
        .. Lines.Select(l => l.IndexOf(AddonPrefix, StringComparison.Ordinal) is var at and >= 0 ? l[at..] : null)
            .OfType<string>(),
    ];

    /// <summary>Lines that begin with something other than the add-on's prefix and hold it further on.</summary>
    public string[] GluedAddonLines() =>
        [.. Lines.Where(l => l.IndexOf(AddonPrefix, StringComparison.Ordinal) > 0)];

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_workspace, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temporary-file cleanup.
        }
    }

    /// <summary>The settings of Scenes/render_scene.py (frames 1 to <paramref name="frames"/>), added to <paramref name="environment"/>.</summary>
    private static Dictionary<string, string> SceneEnvironment(IReadOnlyDictionary<string, string>? environment, int frames, int samples) =>
        new(environment ?? new Dictionary<string, string>())
        {
            ["RENDERFARM_TEST_FRAMES"] = frames.ToString(CultureInfo.InvariantCulture),
            ["RENDERFARM_TEST_SAMPLES"] = samples.ToString(CultureInfo.InvariantCulture),
        };

    private static async Task<BlenderRun> StartAsync(BlenderVersion version, IEnumerable<string> arguments, bool addon,
        string? server, string host, ITestOutputHelper? output, string? homeToCopy, Dictionary<string, string> environment)
    {
        var workspace = Directory.CreateTempSubdirectory("renderfarm-blender-").FullName;
        var home = Path.Combine(workspace, "home");
        if (addon)
        {
            AddonInstallation.CopyDirectory(homeToCopy ?? (await AddonInstallation.InstallAsync(version)).Home, home);
        }

        Directory.CreateDirectory(home);
        Directory.CreateDirectory(Path.Combine(workspace, "frames"));
        // Scenes and files the add-on reads live in the workspace: a Blender in a Debian root sees only that.
        var scenes = new HashSet<string>();
        foreach (var scene in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Scenes"), "*.py"))
        {
            scenes.Add(Path.GetFileName(scene));
            File.Copy(scene, Path.Combine(workspace, Path.GetFileName(scene)));
        }

        if (environment.TryGetValue("RENDERFARM_CA", out var ca) && File.Exists(ca))
        {
            environment["RENDERFARM_CA"] = Path.Combine(workspace, Path.GetFileName(ca));
            File.Copy(ca, environment["RENDERFARM_CA"]);
        }

        if (environment.TryGetValue("BLENDER_USER_SCRIPTS", out var scripts) && Directory.Exists(scripts))
        {
            environment["BLENDER_USER_SCRIPTS"] = Path.Combine(workspace, "scripts");
            AddonInstallation.CopyDirectory(scripts, environment["BLENDER_USER_SCRIPTS"]);
        }

        var start = version.StartInfo(
            ["-b", "-y", .. arguments.Select(a => scenes.Contains(a) ? Path.Combine(workspace, a) : a)], workspace);
        start.WorkingDirectory = workspace;
        start.Environment["HOME"] = home;
        start.Environment.Remove("XDG_CONFIG_HOME");
        // Instance slots are locked in the temporary folder: a private one keeps this run at slot 0
        // whatever else runs on the machine.
        start.Environment["TMPDIR"] = workspace;
        if (server is not null)
        {
            start.Environment["RENDERFARM_SERVER"] = server;
        }

        start.Environment["RENDERFARM_HOST"] = host;
        start.Environment["RENDERFARM_TEST_OUTPUT"] = Path.Combine(workspace, "frames");
        start.Environment["RENDERFARM_TEST_RELEASE"] = Path.Combine(workspace, "release");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        output?.WriteLine($"{version}: blender {string.Join(' ', start.ArgumentList.SkipWhile(a => a != "-b"))}");
        // Cycles' progress lines ("Fra:1 Mem:…") are many and say nothing the tests need.
        return new BlenderRun(ChildProcess.Start(start, "blender", output,
            keep: line => !line.StartsWith("Fra:", StringComparison.Ordinal) || line.Contains(AddonPrefix, StringComparison.Ordinal)), workspace);
    }
}
