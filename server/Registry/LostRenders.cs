namespace RenderFarm.Server.Registry;

/// <summary>
/// The recently lost renders, newest last, each kept for <see cref="RenderFarmOptions.LostRenderRetention"/>. Bounded:
/// a farm that loses more than <see cref="Capacity"/> renders within the retention keeps the newest.
/// </summary>
public sealed class LostRenders(TimeSpan retention, TimeProvider timeProvider)
{
    public const int Capacity = 1000;

    private readonly Queue<LostRender> _recent = new();
    private readonly Lock _gate = new();
    private long _total;

    public TimeSpan Retention => retention;

    /// <summary>Lost renders since the server started.</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Add(LostRender lost)
    {
        lock (_gate)
        {
            // The same render lost again (its Blender restarted on the frame and died there again): one entry, the latest,
            // as one series on /metrics.
            if (_recent.Any(l => SameRender(l, lost)))
            {
                var others = _recent.Where(l => !SameRender(l, lost)).ToList();
                _recent.Clear();
                others.ForEach(_recent.Enqueue);
            }

            _recent.Enqueue(lost);
            if (_recent.Count > Capacity)
            {
                _recent.Dequeue();
            }
        }

        Interlocked.Increment(ref _total);
    }

    /// <summary>
    /// The session reports again: it was cut off (a network outage longer than the TTL), not gone. Its expiry was no
    /// lost render after all, and it leaves the list; the count of losses keeps it (counters do not go back).
    /// </summary>
    public void Withdraw(string host, string instance, string sessionId)
    {
        lock (_gate)
        {
            if (!_recent.Any(l => IsSession(l, host, instance, sessionId)))
            {
                return;
            }

            var others = _recent.Where(l => !IsSession(l, host, instance, sessionId)).ToList();
            _recent.Clear();
            others.ForEach(_recent.Enqueue);
        }
    }

    private static bool IsSession(LostRender lost, string host, string instance, string sessionId) =>
        lost.Cause == LostRenderCause.Expired && lost.SessionId == sessionId && lost.Host == host && lost.Instance == instance;

    private static bool SameRender(LostRender a, LostRender b) =>
        a.Host == b.Host && a.Instance == b.Instance && a.RenderJob == b.RenderJob && a.BlendFile == b.BlendFile && a.Frame == b.Frame;

    /// <summary>The lost renders within the retention, oldest first.</summary>
    public IReadOnlyList<LostRender> Recent()
    {
        var oldest = timeProvider.GetUtcNow() - retention;
        lock (_gate)
        {
            while (_recent.TryPeek(out var first) && first.LostAt < oldest)
            {
                _recent.Dequeue();
            }

            return [.. _recent];
        }
    }
}
