namespace RenderFarm.Server.Queries;

/// <summary>Counts over a list of instances: what a wall screen shows first.</summary>
public sealed record FarmSummary(int Instances, int Rendering, int Idle, int Hosts)
{
    public static FarmSummary Of(IReadOnlyCollection<InstanceView> instances)
    {
        var rendering = instances.Count(i => i.State == InstanceState.Rendering);
        var hosts = instances.Select(i => i.Host).Distinct(StringComparer.Ordinal).Count();
        return new FarmSummary(instances.Count, rendering, instances.Count - rendering, hosts);
    }
}
