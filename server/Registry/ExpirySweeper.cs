using Microsoft.Extensions.Options;

namespace RenderFarm.Server.Registry;

/// <summary>
/// Forgets instances that stopped reporting. Sweeps several times a second so that an
/// instance leaves /metrics well within TTL + 1 s.
/// </summary>
public sealed partial class ExpirySweeper(
    InstanceRegistry registry, IOptions<RenderFarmOptions> options, TimeProvider timeProvider, ILogger<ExpirySweeper> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A gap between sweeps longer than this is a clock jump or a pause, not time in which
    /// reporters fell silent. Below it, an instance that sent its last heartbeat just before
    /// the gap still cannot pass its TTL because of the gap alone.
    /// </summary>
    public TimeSpan MaxGap { get; } = Max(4 * Interval, (options.Value.InstanceTtl - options.Value.HeartbeatInterval) / 2);

    private long _lastSweepTimestamp = timeProvider.GetTimestamp();

    /// <summary>How long ago the last sweep finished: the readiness check watches it.</summary>
    public TimeSpan SinceLastSweep => timeProvider.GetElapsedTime(Interlocked.Read(ref _lastSweepTimestamp));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal void Sweep()
    {
        var gap = timeProvider.GetElapsedTime(Interlocked.Read(ref _lastSweepTimestamp));
        if (gap < TimeSpan.Zero || gap > MaxGap)
        {
            var renewed = registry.RenewAll();
            LogClockJump(gap, renewed);
            Interlocked.Exchange(ref _lastSweepTimestamp, timeProvider.GetTimestamp());
            return;
        }

        var removed = registry.RemoveExpired();
        if (removed.Count > 0)
        {
            foreach (var key in removed)
            {
                LogExpiredInstance(key.Host, key.Instance);
            }

            LogExpired(removed.Count, registry.Ttl);
        }

        Interlocked.Exchange(ref _lastSweepTimestamp, timeProvider.GetTimestamp());
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Time moved by {Gap} between two expiry sweeps (clock jump or pause): {Count} instance(s) get a fresh TTL instead of expiring at once")]
    private partial void LogClockJump(TimeSpan gap, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {Host}/{Instance} expired")]
    private partial void LogExpiredInstance(string host, string instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} instance(s) expired after {Ttl} without a report")]
    private partial void LogExpired(int count, TimeSpan ttl);
}
