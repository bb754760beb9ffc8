namespace RenderFarm.LoadGenerator;

/// <summary>A farm at human pace, for watching /metrics, Prometheus and a dashboard move.</summary>
public sealed record SimulationSettings
{
    public int Instances { get; init; } = 40;

    public int InstancesPerHost { get; init; } = 4;

    public string HostPrefix { get; init; } = "render";

    /// <summary>Time runs this many times faster than on a real farm (frame times, idle spells, restarts).</summary>
    public double Speed { get; init; } = 1;

    /// <summary>Chance per frame that Blender dies without signing off (crash, OOM kill, pulled cable).</summary>
    public double CrashRate { get; init; } = 0.01;

    /// <summary>Chance after a job that Blender exits cleanly (signs off) and starts again a little later.</summary>
    public double ExitRate { get; init; } = 0.1;

    /// <summary>Until this runs out, or forever when null.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>How often a one-line summary of the farm is printed.</summary>
    public TimeSpan SummaryInterval { get; init; } = TimeSpan.FromSeconds(15);

    public int? Seed { get; init; }

    public void Validate()
    {
        Require(Instances >= 1, "--instances: must be at least 1");
        Require(InstancesPerHost >= 1, "--instances-per-host: must be at least 1");
        Require(Speed is > 0 and <= 1000, "--speed: must be above 0 and at most 1000");
        Require(CrashRate is >= 0 and <= 1, "--crash-rate: must be between 0 and 1");
        Require(ExitRate is >= 0 and <= 1, "--exit-rate: must be between 0 and 1");
        Require(Duration is null || Duration > TimeSpan.Zero, "--duration: must be positive");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
