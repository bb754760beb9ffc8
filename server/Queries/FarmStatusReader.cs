using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Queries;

/// <summary>
/// Reads the registry for people and monitoring: the one place that turns entries into
/// <see cref="InstanceView"/>, shared by the gRPC service, the JSON API and the page.
/// </summary>
public sealed class FarmStatusReader(InstanceRegistry registry, TimeProvider timeProvider)
{
    public TimeSpan Ttl => registry.Ttl;

    public double TtlSeconds => registry.Ttl.TotalSeconds;

    /// <summary>The instances that match, sorted by host, then instance (ordinal).</summary>
    public IReadOnlyList<InstanceView> List(StatusFilter filter)
    {
        var list = new List<InstanceView>();
        foreach (var entry in registry.Entries)
        {
            if (filter.Matches(entry))
            {
                list.Add(InstanceView.From(entry, timeProvider));
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

    public InstanceView? Find(string host, string instance) =>
        registry.Find(host, instance) is { } entry ? InstanceView.From(entry, timeProvider) : null;
}
