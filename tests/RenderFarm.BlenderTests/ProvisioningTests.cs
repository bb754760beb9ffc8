namespace RenderFarm.BlenderTests;

/// <summary>
/// blender_client/provision.py on each Blender of the matrix, as an admin runs it on a node: installs the add-on
/// in that version's form, enables it, stores server and token in the preferences, verifies with one report; a
/// wrong token fails with the add-on's own one-line reason; running it again changes nothing; afterwards a plain
/// render command, with no RENDERFARM_SERVER or token in its environment, reports.
/// </summary>
public class ProvisioningTests(ITestOutputHelper output)
{
    private const string Token = "node-token-5f1c";
    private static readonly string[] StepPrefixes = ["built:", "installed:", "stored:", "verified:", "failed:"];
    private static readonly TimeSpan BlenderDeadline = TimeSpan.FromSeconds(90);

    [Theory]
    [MemberData(nameof(BlenderVersion.Names), MemberType = typeof(BlenderVersion))]
    public async Task Provisioning_installs_enables_stores_and_verifies_idempotently_and_a_plain_render_then_reports(string version)
    {
        var blenderVersion = BlenderVersion.Named(version);
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["RenderFarm:Tokens:0"] = Token }, output);
        using var scraper = new Scraper(server);
        var folder = Directory.CreateTempSubdirectory("renderfarm-provision-").FullName;
        try
        {
            var home = Directory.CreateDirectory(Path.Combine(folder, "home")).FullName;
            var clientFolder = Path.Combine(folder, "blender_client");
            AddonInstallation.CopyDirectory(Path.GetDirectoryName(AddonInstallation.AddonDirectory)!, clientFolder);
            var wrongToken = Path.Combine(folder, "wrong-token");
            var rightToken = Path.Combine(folder, "token");
            await File.WriteAllTextAsync(wrongToken, "not-the-token\n");
            await File.WriteAllTextAsync(rightToken, Token + "\n");

            Task<(int ExitCode, string Output)> ProvisionAsync(string tokenFile) => AddonInstallation.TryRunBlenderAsync(
                blenderVersion, folder, home,
                ["-b", "--factory-startup", "--python", Path.Combine(clientFolder, "provision.py"), "--",
                    "--server", Transport.ServerSetting(server, Transport.GrpcWeb), "--token-file", tokenFile]);

            var refused = await ProvisionAsync(wrongToken);
            output.WriteLine(refused.Output);
            Assert.Equal(1, refused.ExitCode);
            var failed = Assert.Single(Steps(refused.Output), l => l.StartsWith("failed: ", StringComparison.Ordinal));
            Assert.Contains("token", failed, StringComparison.Ordinal);

            foreach (var run in new[] { "first", "again" })
            {
                var (exitCode, printed) = await ProvisionAsync(rightToken);
                output.WriteLine($"--- provisioning ({run}) ---\n{printed}");
                Assert.Equal(0, exitCode);
                var steps = Steps(printed);
                Assert.Equal(["RenderFarm provisioning:", "built:", "installed:", "stored:", "verified:"],
                    steps.Select(l => l[..(l.IndexOf(':', StringComparison.Ordinal) + 1)]));
                Assert.Contains("token set", steps[3], StringComparison.Ordinal);
                Assert.Contains("the server accepted a report", steps[4], StringComparison.Ordinal);
            }

            // Each verifying Blender was accepted and signed off at exit: nothing of them is left on /metrics.
            var afterProvisioning = await scraper.ScrapeAsync();
            Assert.InRange(afterProvisioning.Value("renderfarm_instances_signed_off_total") ?? 0, 2, 10);
            Assert.Equal(0.0, afterProvisioning.Series("renderfarm_instances").Sum(s => s.Value));
            Assert.DoesNotContain(File.ReadAllText(Path.Combine(clientFolder, "provision.py")), Token, StringComparison.Ordinal);

            // As a render manager starts Blender: nothing of ours on the command line or in the environment but the host label.
            var host = Transport.UniqueHost("provisioned");
            await using var blender = await BlenderRun.RenderAsync(blenderVersion, server: null, host, output, frames: 2, samples: 16,
                home: home);
            await scraper.AssertRenderedThenExitsAsync(blender, host, frames: 2, BlenderDeadline);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The provisioning command's own lines (Blender prints its own around them).</summary>
    private static string[] Steps(string printed) =>
    [
        .. printed.Split('\n').Select(l => l.TrimEnd('\r')).Where(l =>
            l.StartsWith("RenderFarm provisioning:", StringComparison.Ordinal)
            || StepPrefixes.Any(p => l.StartsWith(p, StringComparison.Ordinal))),
    ];
}
