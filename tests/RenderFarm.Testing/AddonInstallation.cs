using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace RenderFarm.Testing;

/// <summary>
/// The add-on installed the way each Blender installs add-ons, as an admin would script it: on 4.2+ the
/// extension, checked with Blender's own <c>extension validate</c>, packaged with <c>extension build</c> and
/// installed with <c>extension install-file -e</c>; on 3.4 the legacy zip with <c>addon_install</c>,
/// <c>addon_enable</c> and <c>save_userpref</c>. Done once per version per test run into a template home
/// folder; each Blender run gets a copy, so every run starts from a freshly installed add-on.
/// </summary>
public static class AddonInstallation
{
    public static readonly string AddonDirectory = typeof(AddonInstallation).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RenderFarmAddonDirectory").Value!;

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private static readonly ConcurrentDictionary<string, Lazy<Task<Installed>>> Installations = new();

    /// <summary>What installing printed, and the home folder that holds the installed, enabled add-on.</summary>
    public sealed record Installed(string Home, string Log);

    public static Task<Installed> InstallAsync(BlenderVersion version) =>
        Installations.GetOrAdd(version.Name, _ => new Lazy<Task<Installed>>(() => InstallOnceAsync(version))).Value;

    /// <summary>Where the installed add-on's files are in a home folder.</summary>
    public static string InstalledAddon(BlenderVersion version, string home) => version.IsExtension
        ? Path.Combine(home, ".config", "blender", version.Name, "extensions", "user_default", "renderfarm_reporter")
        : Path.Combine(home, ".config", "blender", version.Name, "scripts", "addons", "renderfarm_reporter");

    /// <summary>Runs Blender with <paramref name="home"/> as its user's home; throws with its output when it fails.</summary>
    public static async Task<string> RunBlenderAsync(BlenderVersion version, string folder, string home,
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (exitCode, output) = await TryRunBlenderAsync(version, folder, home, arguments, environment);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException($"{version}: 'blender {string.Join(' ', arguments)}' exited {exitCode}:\n{output}");
    }

    /// <summary>Runs Blender with <paramref name="home"/> as its user's home (<paramref name="folder"/>, under /tmp, holds
    /// everything it reads); its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> TryRunBlenderAsync(BlenderVersion version, string folder, string home,
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = version.StartInfo(arguments, folder);
        start.Environment["HOME"] = home;
        start.Environment.Remove("XDG_CONFIG_HOME");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Deadline);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<Installed> InstallOnceAsync(BlenderVersion version)
    {
        var folder = Directory.CreateTempSubdirectory($"renderfarm-addon-{version.Name}-").FullName;
        var home = Directory.CreateDirectory(Path.Combine(folder, "home")).FullName;
        var log = version.IsExtension ? await InstallExtensionAsync(version, folder, home) : await InstallLegacyZipAsync(version, folder, home);
        return Directory.Exists(InstalledAddon(version, home))
            ? new Installed(home, log)
            : throw new InvalidOperationException($"{version}: installing printed success but left no add-on:\n{log}");
    }

    private static async Task<string> InstallExtensionAsync(BlenderVersion version, string folder, string home)
    {
        var source = Path.Combine(folder, "renderfarm_reporter");
        CopyDirectory(AddonDirectory, source);
        var validated = await RunBlenderAsync(version, folder, home, ["--command", "extension", "validate", source]);
        var built = await RunBlenderAsync(version, folder, home,
            ["--command", "extension", "build", "--source-dir", source, "--output-dir", folder]);
        var package = Directory.GetFiles(folder, "renderfarm_reporter-*.zip").Single();
        // --offline-mode: enabling the add-on while installing must not report anything anywhere.
        var installed = await RunBlenderAsync(version, folder, home,
            ["--offline-mode", "--command", "extension", "install-file", "-r", "user_default", "-e", package]);
        return validated + built + installed;
    }

    private static async Task<string> InstallLegacyZipAsync(BlenderVersion version, string folder, string home)
    {
        var (exitCode, zips) = await Tools.RunAsync("python3",
            [Path.Combine(AddonDirectory, "..", "build_zip.py"), folder]);
        var zip = exitCode == 0
            ? zips.Split('\n').Single(l => l.EndsWith(".zip", StringComparison.Ordinal) && !l.EndsWith("-extension.zip", StringComparison.Ordinal))
            : throw new InvalidOperationException($"build_zip.py failed: {zips}");
        const string install = """
            import sys, bpy
            bpy.ops.preferences.addon_install(filepath=sys.argv[-1])
            bpy.ops.preferences.addon_enable(module="renderfarm_reporter")
            bpy.ops.wm.save_userpref()
            """;
        // Enabling starts the reporter: point it at a closed loopback port, so it reports nowhere.
        return await RunBlenderAsync(version, folder, home, ["-b", "--python-expr", install, "--", zip],
            new Dictionary<string, string> { ["RENDERFARM_SERVER"] = "http://127.0.0.1:9" });
    }

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Contains("__pycache__"))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
