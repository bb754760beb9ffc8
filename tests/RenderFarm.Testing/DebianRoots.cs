namespace RenderFarm.Testing;

/// <summary>
/// Where tests/blender-roots/build.sh keeps the minimal Debian roots of the Blender matrix (cached between runs), whose
/// other packages the suites use too (sid's Prometheus 3.5 LTS and Alertmanager).
/// </summary>
public static class DebianRoots
{
    public static string Folder(string suite) => Path.Combine(
        Environment.GetEnvironmentVariable("RENDERFARM_TEST_CACHE") is { Length: > 0 } cache ? cache : "/var/cache/renderfarm-tests",
        "blender-roots", suite);

    /// <summary>True when build.sh has finished the root of <paramref name="suite"/> (it stamps a root only once complete).</summary>
    public static bool Exists(string suite) => File.Exists(Path.Combine(Folder(suite), ".renderfarm-root"));

    /// <summary>The root of <paramref name="suite"/>, or a clear failure naming the command that makes it.</summary>
    public static string Require(string suite)
    {
        var folder = Folder(suite);
        if (!Exists(suite))
        {
            throw new InvalidOperationException(
                $"No Debian {suite} root at {folder}: tests/run.sh makes it (tests/blender-roots/build.sh {suite})");
        }

        return folder;
    }
}
