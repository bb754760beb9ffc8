using RenderFarm.Server.Queries;
using RenderFarm.Server.StatusApi;

namespace RenderFarm.Server.Cli;

/// <summary>
/// Range checks on what the server said, before the check computes with it: an answer whose
/// numbers no RenderFarm server sends is not the status API, whoever sent it.
/// </summary>
public static class CheckAnswer
{
    /// <summary>RenderFarm:InstanceTtl is at most a day.</summary>
    private const double MaxTtlSeconds = 86_400;

    /// <summary>An instance older than its TTL is gone; this leaves room for any clock.</summary>
    private const double MaxAgeSeconds = 10 * MaxTtlSeconds;

    /// <summary>Null when every number of <paramref name="host"/> is one a server can send, else what is not.</summary>
    public static string? Implausible(HostStatus host) =>
        TtlError(host.TtlSeconds)
        ?? SummaryError(host.Summary)
        ?? (host.OldestReportAgeSeconds is { } oldest && !(oldest >= 0 && oldest <= MaxAgeSeconds)
            ? $"oldestReportAgeSeconds {Shown(oldest)} is not between 0 and {MaxAgeSeconds}"
            : null)
        ?? host.Instances.Select(InstanceError).FirstOrDefault(error => error is not null);

    private static string? SummaryError(FarmSummary summary) =>
        summary.Instances < 0 || summary.Rendering < 0 || summary.Rendering > summary.Instances
            ? $"summary counts {summary.Rendering} rendering of {summary.Instances} instances"
            : null;

    /// <summary>Null for a TTL a server can have (absent counts as such).</summary>
    public static string? TtlError(double? ttlSeconds) =>
        ttlSeconds is { } ttl && !(ttl > 0 && ttl <= MaxTtlSeconds)
            ? $"ttlSeconds {Shown(ttl)} is not between 0 and {MaxTtlSeconds}"
            : null;

    private static string? InstanceError(InstanceView instance) =>
        !(instance.AgeSeconds >= 0 && instance.AgeSeconds <= MaxAgeSeconds)
            ? $"ageSeconds {Shown(instance.AgeSeconds)} is not between 0 and {MaxAgeSeconds}"
            : instance.Job?.Progress is { } progress && !(progress >= 0 && progress <= 1)
                ? $"progress {Shown(progress)} is not between 0 and 1"
                : null;

    private static string Shown(double value) => value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
