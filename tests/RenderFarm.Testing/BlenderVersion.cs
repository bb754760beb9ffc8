using System.Diagnostics;
using System.Reflection;
using Xunit;

namespace RenderFarm.Testing;

/// <summary>
/// One Blender of the version matrix: Debian stable's own (3.4, the legacy add-on form), or the Blender
/// of a newer Debian suite in a minimal root made by tests/blender-roots/build.sh (4.2+, the extension form).
/// Tests take the version's name ("3.4", "4.3", "5.2") as a theory argument, so the name says which failed.
/// </summary>
public sealed record BlenderVersion(string Name, string? Suite)
{
    public static readonly BlenderVersion[] Matrix = [new("3.4", null), new("4.3", "trixie"), new("5.2", "sid")];

    /// <summary>The repository's tests folder (this build's source, not its output).</summary>
    public static readonly string TestsDirectory = typeof(BlenderVersion).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RenderFarmTestsDirectory").Value!;

    /// <summary>Every version, for a theory that runs on each.</summary>
    public static TheoryData<string> Names => [.. Matrix.Select(v => v.Name)];

    /// <summary>The versions with the extension form and Blender's online-access switch (4.2+).</summary>
    public static TheoryData<string> ExtensionNames => [.. Matrix.Where(v => v.IsExtension).Select(v => v.Name)];

    /// <summary>Every version with each transport: native gRPC (grpcio) and gRPC-Web.</summary>
    public static TheoryData<string, string> NamesAndTransports
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var version in Matrix)
            {
                data.Add(version.Name, AddonTransport.Native);
                data.Add(version.Name, AddonTransport.GrpcWeb);
            }

            return data;
        }
    }

    public static BlenderVersion Named(string name) => Matrix.Single(v => v.Name == name);

    /// <summary>4.2 and later install add-ons as extensions and have Blender's online-access switch.</summary>
    public bool IsExtension => Suite is not null;

    /// <summary>The root Blender runs in (null: this machine's own Blender).</summary>
    public string? Root => Suite is null ? null : DebianRoots.Folder(Suite);

    /// <summary>
    /// A process that runs Blender with <paramref name="arguments"/>: directly, or inside this version's root
    /// with <paramref name="sharedFolders"/> (under /tmp) visible at the same paths.
    /// </summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> arguments, params string[] sharedFolders) =>
        Suite is null ? Program(Tools.Require("blender"), arguments) : InRoot(Suite, "blender", arguments, sharedFolders);

    /// <summary>
    /// A process that runs <paramref name="program"/> of the Debian <paramref name="suite"/> root (its Blender, or another
    /// of its packages, such as sid's Prometheus), with <paramref name="sharedFolders"/> (under /tmp) at the same paths.
    /// </summary>
    public static ProcessStartInfo InRoot(string suite, string program, IEnumerable<string> arguments, params string[] sharedFolders)
    {
        var root = DebianRoots.Require(suite);
        return Program(Path.Combine(TestsDirectory, "blender-roots", "run-in-root.sh"),
            [root, string.Join(':', sharedFolders), program, .. arguments]);
    }

    private static ProcessStartInfo Program(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return start;
    }

    public override string ToString() => Suite is null ? $"Blender {Name} (this machine)" : $"Blender {Name} (Debian {Suite} root)";
}
