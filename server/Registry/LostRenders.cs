namespace RenderFarm.Server.Registry;

/// <summary>
/// The recently lost and failed renders, newest last, each kept for <see cref="RenderFarmOptions.LostRenderRetention"/>. Bounded:
/// a farm that loses more than <see cref="Capacity"/> renders within the retention keeps the newest.
/// </summary>
public sealed class LostRenders(TimeSpan retention, TimeProvider timeProvider)
{
    public const int Capacity = 1000;

    private readonly List<LostRender> _recent = [];
    private readonly Lock _gate = new();
    private long _total;

    public TimeSpan Retention => retention;

    /// <summary>Lost renders since the server started (failed ones are counted with the farm's renders by outcome).</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Add(LostRender lost)
    {
        lock (_gate)
        {
            // The same render lost again (its Blender restarted on the frame and died there again): one entry, the latest,
            // as one series on /metrics.
            _recent.RemoveAll(l => SameRender(l, lost));
            _recent.Add(lost);
            if (_recent.Count > Capacity)
            {
                _recent.RemoveAt(0);
            }
        }

        if (!lost.Failed)
        {
            Interlocked.Increment(ref _total);
        }
    }

    /// <summary>
    /// The session reports again: it was cut off (a network outage longer than the TTL), not gone. Its expiry was no
    /// lost render after all, and it leaves the list; the count of losses keeps it (counters do not go back).
    /// </summary>
    public void Withdraw(string host, string instance, string sessionId)
    {
        lock (_gate)
        {
            _recent.RemoveAll(l => IsSession(l, host, instance, sessionId));
        }
    }

    private static bool IsSession(LostRender lost, string host, string instance, string sessionId) =>
        lost.Cause == LostRenderCause.Expired && lost.SessionId == sessionId && lost.Host == host && lost.Instance == instance;

    private static bool SameRender(LostRender a, LostRender b) =>
        a.Failed == b.Failed && a.Host == b.Host && a.Instance == b.Instance && a.RenderJob == b.RenderJob && a.BlendFile == b.BlendFile && a.Frame == b.Frame;

    /// <summary>The lost renders within the retention, oldest first.</summary>
    public IReadOnlyList<LostRender> Recent()
    {
        var oldest = timeProvider.GetUtcNow() - retention;
        lock (_gate)
        {
            _recent.RemoveAll(l => l.LostAt < oldest);

            return [.. _recent];
        }
    }
}
