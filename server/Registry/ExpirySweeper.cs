namespace RenderFarm.Server.Registry;

/// <summary>
/// Forgets instances that stopped reporting. Sweeps several times a second so that an
/// instance leaves /metrics well within TTL + 1 s.
/// </summary>
public sealed partial class ExpirySweeper(InstanceRegistry registry, TimeProvider timeProvider, ILogger<ExpirySweeper> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {Host}/{Instance} expired")]
    private partial void LogExpiredInstance(string host, string instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} instance(s) expired after {Ttl} without a report")]
    private partial void LogExpired(int count, TimeSpan ttl);
}
