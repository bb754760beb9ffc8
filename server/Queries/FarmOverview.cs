namespace RenderFarm.Server.Queries;

/// <summary>GET /api/summary: the farm in a few numbers, cheap enough to ask every second.</summary>
/// <param name="Summary">Counted over every instance that reports.</param>
/// <param name="TtlSeconds">An instance silent this long is forgotten (RenderFarm:InstanceTtl).</param>
/// <param name="LostRenders">Renders lost within RenderFarm:LostRenderRetention, as GET /api/lost-renders lists them.</param>
/// <param name="LastLostAt">When the newest of them was lost; null when none is listed. With the count, it tells a
/// reader whether the list changed since it last fetched it.</param>
public sealed record FarmOverview(FarmSummary Summary, double TtlSeconds, int LostRenders, DateTimeOffset? LastLostAt);
