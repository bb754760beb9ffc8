using RenderFarm.Server.Registry;

// The namespace is NodeStatus, not Status (the folder): a namespace RenderFarm.Server.Status
// would hide Grpc.Core.Status from every sibling namespace of the server.
namespace RenderFarm.Server.NodeStatus;

/// <summary>
/// Reads the registry for people and monitoring: the one place that turns entries into
/// <see cref="InstanceStatus"/>, shared by the gRPC service, the JSON API and the page.
/// </summary>
public sealed class FarmStatusReader(InstanceRegistry registry, TimeProvider timeProvider)
{
    public TimeSpan Ttl => registry.Ttl;

    public double TtlSeconds => registry.Ttl.TotalSeconds;

    /// <summary>The instances that match, sorted by host, then instance (ordinal).</summary>
    public IReadOnlyList<InstanceStatus> List(StatusFilter filter)
    {
        var list = new List<InstanceStatus>();
        foreach (var entry in registry.Entries)
        {
            if (filter.Matches(entry))
            {
                list.Add(InstanceStatus.From(entry, timeProvider));
            }
        }

        list.Sort(static (a, b) =>
        {
            var byHost = string.CompareOrdinal(a.Host, b.Host);
            return byHost != 0 ? byHost : string.CompareOrdinal(a.Instance, b.Instance);
        });
        return list;
    }

    public LostRenderList LostRenders() =>
        new(registry.LostRenders.Retention.TotalSeconds, [.. registry.LostRenders.Recent().Select(LostRenderStatus.From)]);

    public InstanceStatus? Find(string host, string instance) =>
        registry.Find(host, instance) is { } entry ? InstanceStatus.From(entry, timeProvider) : null;
}
