using RenderFarm.Server.Queries;

namespace RenderFarm.Server.StatusApi;

/// <summary>GET /api/instances: the instances that match, with their counts.</summary>
/// <param name="Summary">Counted over the instances listed.</param>
/// <param name="TtlSeconds">An instance silent this long is forgotten (RenderFarm:InstanceTtl).</param>
/// <param name="Instances">Sorted by host, then instance.</param>
public sealed record InstanceList(FarmSummary Summary, double TtlSeconds, IReadOnlyList<InstanceView> Instances);
