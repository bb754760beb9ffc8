using RenderFarm.Server.Queries;

namespace RenderFarm.Server.StatusApi;

/// <summary>GET /api/hosts/{host}: one page of a host's instances, with the host's counts.</summary>
/// <param name="Host">The host asked for.</param>
/// <param name="Summary">Counted over every instance of this host (or the one asked for), on every page.</param>
/// <param name="TtlSeconds">An instance silent this long is forgotten (RenderFarm:InstanceTtl).</param>
/// <param name="Instances">This page's, sorted by instance.</param>
public sealed record HostStatus(string Host, FarmSummary Summary, double TtlSeconds, IReadOnlyList<InstanceView> Instances)
{
    /// <summary>Seconds since the oldest last report of the instances counted in <see cref="Summary"/>, on every page.</summary>
    /// <remarks>Not a constructor parameter, as the two below: a reader of an older server's answer (the check) finds them absent.</remarks>
    public double? OldestReportAgeSeconds { get; init; }

    /// <summary>The pageToken of the next page; null on the last page.</summary>
    public string? NextPageToken { get; init; }

    /// <summary>The next page's address (the same instance filter and page size, and the token); null on the last page.</summary>
    public string? Next { get; init; }
}
