using System.Diagnostics;

namespace RenderFarm.Testing;

/// <summary>Runs the external tools tests depend on (promtool, blender, …), failing clearly when one is missing.</summary>
public static class Tools
{
    /// <summary>Runs <paramref name="tool"/> to its end (see <see cref="ChildProcess.RunAsync"/>): two minutes unless told.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(
        string tool, IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Require(tool));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return ChildProcess.RunAsync(start, timeout ?? TimeSpan.FromMinutes(2), stdin);
    }

    /// <summary>The full path of <paramref name="tool"/> on PATH; throws naming the Debian package's tool when absent.</summary>
    public static string Require(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool) ? tool : throw new FileNotFoundException($"{tool} is not installed");
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'{tool}' is not on PATH; README's test command installs it");
    }
}
