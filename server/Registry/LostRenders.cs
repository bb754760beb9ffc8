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
