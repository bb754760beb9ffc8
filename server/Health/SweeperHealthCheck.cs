using Microsoft.Extensions.Diagnostics.HealthChecks;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Health;

/// <summary>
/// Ready while the expiry sweeper keeps running: without it, lost instances would stay
/// on /metrics forever and the farm would look busier than it is.
/// </summary>
public sealed class SweeperHealthCheck(ExpirySweeper sweeper) : IHealthCheck
{
    private static readonly TimeSpan MaxSilence = TimeSpan.FromSeconds(5);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var since = sweeper.SinceLastSweep;
        return Task.FromResult(since <= MaxSilence
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"the expiry sweeper has not run for {since.TotalSeconds:F0} s"));
    }
}
