namespace RenderFarm.LoadGenerator;

/// <summary>A closed-loop load: a fixed number of calls in flight, each starting as the previous one returns.</summary>
public sealed record LoadSettings
{
    public int Instances { get; init; } = 10_000;

    public int Concurrency { get; init; } = 64;

    /// <summary>Runs after every instance reported once and before measuring: JIT, connection pools, caches.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether every instance reports once before the warm-up, so that the target holds all of them.</summary>
    public bool Populate { get; init; } = true;

    /// <summary>Share of reports that flip the render state (start or finish a job).</summary>
    public double StateChangeRate { get; init; } = 0.05;

    /// <summary>Share of reports of a rendering instance that finish a frame; the rest are heartbeats.</summary>
    public double FrameRate { get; init; } = 0.3;

    /// <summary>Share of calls that are a clean exit (sign-off); that instance's next report is a new session.</summary>
    public double ChurnRate { get; init; } = 0.01;

    public string HostPrefix { get; init; } = "load";

    /// <summary>Blender instances per simulated machine: they share a host label.</summary>
    public int InstancesPerHost { get; init; } = 4;

    public void Validate()
    {
        Require(Instances >= 1, "--instances: must be at least 1");
        Require(Concurrency >= 1, "--concurrency: must be at least 1");
        Require(InstancesPerHost >= 1, "--instances-per-host: must be at least 1");
        Require(Duration > TimeSpan.Zero, "--duration: must be positive");
        Require(Warmup >= TimeSpan.Zero, "--warmup: must not be negative");
        Require(StateChangeRate is >= 0 and <= 1, "--state-change-rate: must be between 0 and 1");
        Require(ChurnRate is >= 0 and <= 1, "--churn-rate: must be between 0 and 1");
        Require(FrameRate is >= 0 and <= 1, "frame rate: must be between 0 and 1");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
