namespace RenderFarm.BlenderTests;

/// <summary>
/// The add-on installs the way each Blender installs add-ons (see <see cref="AddonInstallation"/>), and on 4.2+
/// Blender's online-access switch is obeyed: off (the background default) still reports to a server on the
/// studio network (every render test runs that way), <c>--offline-mode</c> sends nothing at all.
/// </summary>
public class InstallationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan BlenderDeadline = TimeSpan.FromSeconds(90);

    [Theory]
    [MemberData(nameof(BlenderVersion.Names), MemberType = typeof(BlenderVersion))]
    public async Task Add_on_installs_and_enables_the_way_this_blender_installs_add_ons(string version)
    {
        var blenderVersion = BlenderVersion.Named(version);
        var installed = await AddonInstallation.InstallAsync(blenderVersion);
        output.WriteLine(installed.Log);

        var addon = AddonInstallation.InstalledAddon(blenderVersion, installed.Home);
        Assert.True(File.Exists(Path.Combine(addon, "__init__.py")), $"no add-on in {addon}");
        var preferences = Path.Combine(installed.Home, ".config", "blender", version, "config", "userpref.blend");
        Assert.True(File.Exists(preferences), "the enabled add-on was not saved in the preferences");
        if (blenderVersion.IsExtension)
        {
            // Blender's own validator and packager accepted the manifest and the folder.
            Assert.Contains("Success parsing TOML", installed.Log, StringComparison.Ordinal);
            Assert.Contains("created:", installed.Log, StringComparison.Ordinal);
            Assert.Contains("Installed \"renderfarm_reporter\"", installed.Log, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(addon, "blender_manifest.toml")));
        }
        else
        {
            Assert.Contains("Preferences saved", installed.Log, StringComparison.Ordinal);
        }
    }

    /// <summary>A studio that deploys one shared scripts folder instead of per-user preferences: the add-on's folder in
    /// <c>$BLENDER_USER_SCRIPTS/addons/</c>, enabled with <c>--addons</c>, on every version (4.2+ load it as a legacy add-on).</summary>
    [Theory]
    [MemberData(nameof(BlenderVersion.Names), MemberType = typeof(BlenderVersion))]
    public async Task Shared_scripts_folder_enabled_with_addons_reports_on_every_version(string version)
    {
        await using var server = await ServerProcess.StartAsync(output: output);
        using var scraper = new Scraper(server);
        var scripts = Directory.CreateTempSubdirectory("renderfarm-scripts-").FullName;
        try
        {
            AddonInstallation.CopyDirectory(AddonInstallation.AddonDirectory, Path.Combine(scripts, "addons", "renderfarm_reporter"));
            var host = Transport.UniqueHost("shared-scripts");
            await using var blender = await BlenderRun.RenderAsync(BlenderVersion.Named(version), Transport.ServerSetting(server, Transport.GrpcWeb),
                host, output, frames: 1, samples: 8,
                environment: new Dictionary<string, string>(Transport.Environment(Transport.GrpcWeb)) { ["BLENDER_USER_SCRIPTS"] = scripts },
                addon: false, flags: ["--addons", "renderfarm_reporter"]);
            await scraper.AssertRenderedThenExitsAsync(blender, host, frames: 1, BlenderDeadline);
        }
        finally
        {
            Directory.Delete(scripts, recursive: true);
        }
    }

    /// <summary>EEVEE's identifier differs by version; the installed add-on reports each as BLENDER_EEVEE.</summary>
    [Theory]
    [InlineData("3.4", "BLENDER_EEVEE")]
    [InlineData("4.3", "BLENDER_EEVEE_NEXT")]
    [InlineData("5.2", "BLENDER_EEVEE")]
    public async Task Eevee_is_reported_under_one_name_whatever_this_blender_calls_it(string version, string identifier)
    {
        var blenderVersion = BlenderVersion.Named(version);
        var installed = await AddonInstallation.InstallAsync(blenderVersion);
        // Which identifiers this Blender accepts for its scene's engine, and what the add-on's core makes of each.
        const string probe = """
            import importlib, sys, bpy
            package = next(name for name in sys.modules if name.endswith("renderfarm_reporter"))
            tracker = importlib.import_module(package + ".core.render_tracker")
            render, accepted = bpy.context.scene.render, []
            for engine in ("BLENDER_EEVEE", "BLENDER_EEVEE_NEXT", "CYCLES"):
                try:
                    render.engine = engine
                except TypeError:
                    continue
                accepted.append(f"{render.engine}={tracker.engine_name(render.engine)}")
            print("probe:", " ".join(accepted))
            """;
        var home = Path.Combine(Path.GetDirectoryName(installed.Home)!, $"probe-home-{Guid.NewGuid():N}");
        AddonInstallation.CopyDirectory(installed.Home, home);
        var printed = await AddonInstallation.RunBlenderAsync(blenderVersion, Path.GetDirectoryName(installed.Home)!, home,
            ["-b", "--python-expr", probe], new Dictionary<string, string> { ["RENDERFARM_SERVER"] = "http://127.0.0.1:9" });
        var engines = printed.Split('\n').Single(l => l.StartsWith("probe: ", StringComparison.Ordinal))["probe: ".Length..].Split(' ');
        output.WriteLine(string.Join(' ', engines));
        Assert.Equal([$"{identifier}=BLENDER_EEVEE", "CYCLES=CYCLES"], engines.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BlenderVersion.ExtensionNames), MemberType = typeof(BlenderVersion))]
    public async Task Offline_mode_renders_without_sending_anything(string version)
    {
        await using var server = await ServerProcess.StartAsync(output: output);
        using var scraper = new Scraper(server);
        var host = Transport.UniqueHost("offline");
        await using var blender = await BlenderRun.RenderAsync(BlenderVersion.Named(version), Transport.ServerSetting(server, Transport.GrpcWeb),
            host, output, frames: 2, samples: 16, environment: Transport.Environment(Transport.GrpcWeb), flags: "--offline-mode");

        await blender.WaitForLineAsync(l => l == "renderfarm-test: waiting", BlenderDeadline);
        Assert.Equal(2, blender.RenderedFrames().Length);
        var scrape = await scraper.ScrapeAsync();
        Assert.Empty(scrape.OfInstances(host));
        Assert.Equal(0.0, scrape.Series("renderfarm_instances").Sum(s => s.Value));
        Assert.Single(blender.AddonLines(), l => l.Contains("--offline-mode", StringComparison.Ordinal));
        Assert.Equal(0, await blender.ReleaseAsync(BlenderDeadline));
    }
}
