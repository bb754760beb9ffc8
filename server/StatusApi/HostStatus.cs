using RenderFarm.Server.Queries;

namespace RenderFarm.Server.StatusApi;

/// <summary>GET /api/hosts/{host}: every instance of one host.</summary>
/// <param name="Host">The host asked for.</param>
/// <param name="Summary">Counted over this host's instances.</param>
/// <param name="TtlSeconds">An instance silent this long is forgotten (RenderFarm:InstanceTtl).</param>
/// <param name="Instances">Sorted by instance.</param>
public sealed record HostStatus(string Host, FarmSummary Summary, double TtlSeconds, IReadOnlyList<InstanceView> Instances);
