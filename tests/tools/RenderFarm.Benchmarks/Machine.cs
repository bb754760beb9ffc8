using System.Globalization;
using System.Runtime.InteropServices;

namespace RenderFarm.Benchmarks;

/// <summary>What the figures were measured on; absolute times only mean something beside it.</summary>
public sealed record Machine(string Cpu, int Cores, string Memory, string OperatingSystem, string DotNet, string LoadAverage)
{
    public static Machine Describe() => new(
        Cpu: FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Cores: Environment.ProcessorCount,
        Memory: MemoryTotal(),
        OperatingSystem: OsRelease() ?? RuntimeInformation.OSDescription,
        DotNet: RuntimeInformation.FrameworkDescription,
        LoadAverage: File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown");

    private static string? FirstValue(string path, string key) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(line => line.StartsWith(key, StringComparison.Ordinal))
                .Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault()
            : null;

    private static string MemoryTotal()
    {
        var kib = FirstValue("/proc/meminfo", "MemTotal")?.Split(' ')[0];
        return kib is not null && long.TryParse(kib, CultureInfo.InvariantCulture, out var value)
            ? $"{value / 1024.0 / 1024.0:F1} GiB"
            : "unknown";
    }

    private static string? OsRelease() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").Where(line => line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                .Select(line => line["PRETTY_NAME=".Length..].Trim('"')).FirstOrDefault()
            : null;
}
