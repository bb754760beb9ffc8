using System.Text.RegularExpressions;
using RenderFarm.Testing;

namespace RenderFarm.Benchmarks;

/// <summary>
/// What the add-on costs a render in real Blender: the same small Cycles animation rendered as render managers start
/// Blender (<c>blender -b -y … -a</c>), once without the add-on installed and once with it enabled and reporting to the
/// real server on loopback, in rounds whose order alternates. Blender's own render_init and render_complete stamps bound
/// the render; the time before and after them is measured too, but apart.
/// </summary>
/// <remarks>
/// The limit (≤ 1 %) applies to the render between the stamps, not to the process's whole life: before render_init the
/// add-on loads and imports grpcio, and after render_complete it signs off, once per Blender process whatever the
/// render's length. A render manager starts one Blender per task of a few frames or hundreds, so a ratio that included
/// them would describe this benchmark's task length rather than the add-on. They are real costs all the same, so the
/// row beside it gives them in seconds per process.
/// </remarks>
public static partial class OverheadBenchmark
{
    private static readonly TimeSpan BlenderDeadline = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Stamps the process's CPU time (every thread) beside the scene's wall-clock stamps, from handlers added before the
    /// scene's and after the add-on's. On a machine that other work shares, the render's time moves with that work; the CPU
    /// time the same frames take moves far less, so it tells what the add-on takes even when the wall clock cannot.
    /// </summary>
    private const string CpuStamps = """
        import time
        from bpy.app.handlers import persistent, render_complete, render_init


        def stamp(event):
            @persistent
            def handler(*_args):
                print(f"renderfarm-test: {event}_cpu {time.process_time():.4f}", flush=True)
            return handler


        render_init.append(stamp("render_init"))
        render_complete.append(stamp("render_complete"))
        """;

    public static async Task<IReadOnlyList<OverheadFigure>> RunAsync(BenchmarkSettings settings, TextWriter log,
        CancellationToken cancellationToken)
    {
        var figures = new List<OverheadFigure>();
        foreach (var version in Versions(settings, log))
        {
            figures.Add(await MeasureAsync(version, settings, log, cancellationToken));
        }

        return figures;
    }

    /// <summary>This machine's Blender, and the newest of the matrix when its Debian root has been made.</summary>
    private static IEnumerable<BlenderVersion> Versions(BenchmarkSettings settings, TextWriter log)
    {
        var own = BlenderVersion.Matrix.Single(v => v.Suite is null);
        yield return own;
        var newest = BlenderVersion.Matrix[^1];
        if (!settings.OverheadNewestBlender || newest == own)
        {
            yield break;
        }

        if (DebianRoots.Exists(newest.Suite!))
        {
            yield return newest;
        }
        else
        {
            log.WriteLine($"  {newest}: no Debian {newest.Suite} root yet (tests/blender-roots/build.sh {newest.Suite}), not measured");
        }
    }

    private static async Task<OverheadFigure> MeasureAsync(BlenderVersion version, BenchmarkSettings settings, TextWriter log,
        CancellationToken cancellationToken)
    {
        // A server of its own per Blender, so that its sign-off count below is this Blender's runs alone.
        await using var server = await ServerProcess.StartAsync();
        var setting = $"grpc://127.0.0.1:{server.GrpcPort}";
        var host = $"overhead-{version.Name}";
        // Installed before the clock runs: the installation is a one-off of the node, not of a render.
        await AddonInstallation.InstallAsync(version);

        // A round first that does not count: the first start after a while reads Blender, grpcio and the add-on from disk.
        await TimeRenderAsync(version, setting, host, settings, addon: false, cancellationToken);
        var (_, reporting) = await TimeRenderAsync(version, setting, host, settings, addon: true, cancellationToken);

        var rounds = new List<OverheadRound>();
        for (var round = 0; round < settings.OverheadRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Each order in half of the rounds, so that anything favouring the first (or second) run of a pair evens out.
            var withFirst = round % 2 == 1;
            var (first, _) = await TimeRenderAsync(version, setting, host, settings, addon: withFirst, cancellationToken);
            var (second, _) = await TimeRenderAsync(version, setting, host, settings, addon: !withFirst, cancellationToken);
            var (with, without) = withFirst ? (first, second) : (second, first);

            rounds.Add(new OverheadRound(without, with, withFirst));
            log.WriteLine($"  {version}, round {round + 1}: render {without.Render:F2} s without, {with.Render:F2} s with " +
                $"({(with.Render / without.Render - 1) * 100:+0.0;-0.0} %), CPU {without.RenderCpu:F2} s / {with.RenderCpu:F2} s " +
                $"({(with.RenderCpu / without.RenderCpu - 1) * 100:+0.0;-0.0} %); start-up {without.StartUp:F2} s / {with.StartUp:F2} s, " +
                $"exit {without.Exit:F2} s / {with.Exit:F2} s");
        }

        // A run whose add-on never reached the server would measure an add-on that gave up, not one that reports.
        using var scrape = new ScrapeClient(server.HttpAddress);
        var signedOff = Exposition.Parse(await scrape.TextAsync(cancellationToken)).Value("renderfarm_instances_signed_off_total");
        var runs = settings.OverheadRounds + 1;
        if (signedOff != runs)
        {
            throw new InvalidOperationException($"{version}: the server saw {signedOff ?? 0} sign-offs for {runs} runs with the add-on");
        }

        return new OverheadFigure(version.ToString(), settings.OverheadFrames, settings.OverheadSamples, reporting, rounds);
    }

    /// <summary>One render, timed; and how the add-on said it reports (empty without it).</summary>
    private static async Task<(RenderTimes Times, string Reporting)> TimeRenderAsync(BlenderVersion version, string server, string host,
        BenchmarkSettings settings, bool addon, CancellationToken cancellationToken)
    {
        await using var blender = await BlenderRun.RenderAndExitAsync(version, server, host, output: null,
            settings.OverheadFrames, settings.OverheadSamples, addon: addon, flags: ["--python-expr", CpuStamps]);
        try
        {
            var exitCode = await blender.WaitForExitAsync(BlenderDeadline);
            var exited = UnixSeconds(DateTimeOffset.UtcNow);
            cancellationToken.ThrowIfCancellationRequested();
            // Blender has exited and its output is read to the end: the stamps are there or never will be.
            var init = await blender.EventTimeAsync("render_init", TimeSpan.Zero);
            var complete = await blender.EventTimeAsync("render_complete", TimeSpan.Zero);
            var cpu = await blender.EventTimeAsync("render_complete_cpu", TimeSpan.Zero)
                - await blender.EventTimeAsync("render_init_cpu", TimeSpan.Zero);
            var frames = blender.RenderedFrames().Length;
            if (exitCode != 0 || frames != settings.OverheadFrames)
            {
                throw new InvalidOperationException($"exited {exitCode} with {frames} of {settings.OverheadFrames} frames");
            }

            var times = new RenderTimes(init - UnixSeconds(blender.Started), complete - init, exited - complete, cpu);
            var reporting = blender.AddonLines().Select(l => ReportingLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
            return addon && reporting is null
                ? throw new InvalidOperationException("the add-on did not say where it reports")
                : (times, reporting ?? "");
        }
        catch (Exception e) when ((e is InvalidOperationException or TimeoutException or OperationCanceledException)
            && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"{version} {(addon ? "with" : "without")} the add-on: {e.Message}; its last lines:\n" +
                string.Join('\n', blender.Lines.TakeLast(40)), e);
        }
    }

    /// <summary>Seconds since the Unix epoch, as Blender's <c>time.time()</c> stamps its render events.</summary>
    private static double UnixSeconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).TotalSeconds;

    /// <summary>The add-on's start line names its transport: "… to grpc://127.0.0.1:50051 (native gRPC, without a token)".</summary>
    [GeneratedRegex(@"reporting render state as .* to \S+ \(([^,)]+)")]
    private static partial Regex ReportingLine();
}
