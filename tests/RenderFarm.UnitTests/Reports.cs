namespace RenderFarm.UnitTests;

/// <summary>Builds registries on a fake clock, and reports that pass validation.</summary>
internal static class Reports
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    public static (InstanceRegistry Registry, FakeTimeProvider Time) NewRegistry(int maxInstances = 100)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new RenderFarmOptions { InstanceTtl = Ttl, MaxInstances = maxInstances });
        return (new InstanceRegistry(options, time), time);
    }

    public static InstanceReport Valid(string host = "node01", string instance = "0", ulong sequence = 1,
        string session = "s1", bool rendering = false) => new()
    {
        Host = host,
        Instance = instance,
        SessionId = session,
        Sequence = sequence,
        Rendering = rendering,
        BlenderVersion = "3.4.1",
        AddonVersion = "1.0.0",
        Engine = "CYCLES",
        CurrentFrame = 1,
    };
}
