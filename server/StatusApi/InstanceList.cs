using RenderFarm.Server.Queries;

namespace RenderFarm.Server.StatusApi;

/// <summary>GET /api/instances: one page of the instances that match, with their counts.</summary>
/// <param name="Summary">Counted over every instance that matches the filters, on every page.</param>
/// <param name="TtlSeconds">An instance silent this long is forgotten (RenderFarm:InstanceTtl).</param>
/// <param name="Instances">This page's, sorted by host, then instance, or as orderBy asks.</param>
/// <param name="NextPageToken">The pageToken of the next page; null on the last page.</param>
/// <param name="Next">The next page's address (the same filters and order, and the token); null on the last page.</param>
public sealed record InstanceList(FarmSummary Summary, double TtlSeconds, IReadOnlyList<InstanceView> Instances, string? NextPageToken,
    string? Next);
