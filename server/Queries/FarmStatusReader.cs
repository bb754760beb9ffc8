using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Queries;

/// <summary>
/// Reads the registry for people and monitoring: the one place that turns entries into
/// <see cref="InstanceView"/>, shared by the gRPC service, the JSON API and the page.
/// </summary>
public sealed class FarmStatusReader(InstanceRegistry registry, TimeProvider timeProvider)
{
    public TimeSpan Ttl => registry.Ttl;

    public double TtlSeconds => registry.Ttl.TotalSeconds;

    /// <summary>
    /// The page of <paramref name="query"/> after <paramref name="pageToken"/> (the first page without one), of at
    /// most <paramref name="pageSize"/> instances. One pass over the registry that keeps only the page (a bounded
    /// heap), so a page of a farm of 100k instances costs one page of views, not the farm's.
    /// </summary>
    /// <returns>Null and the page, or what is wrong with the page token.</returns>
    public string? TryPage(InstanceQuery query, int pageSize, string? pageToken, out InstancePage page)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        page = null!;
        if (PageToken.TryRead(pageToken, query, out var after) is { } error)
        {
            return error;
        }

        var order = query.Order;
        // The largest position on top, to be pushed out by a smaller one.
        var kept = new PriorityQueue<InstanceRecord, PagePosition>(
            pageSize + 1, Comparer<PagePosition>.Create((a, b) => order.Compare(b, a)));
        var counter = new FarmSummary.Counter();
        var remaining = 0;
        var oldest = long.MaxValue;
        // The records themselves, as the scrape reads them: a filter needs only the key and the render state, and
        // only the page's instances are copied out whole.
        foreach (var record in registry.Records)
        {
            var (rendering, stalled) = (record.Rendering, record.Stalled);
            if (!query.Filter.Matches(record.Key, rendering, stalled))
            {
                continue;
            }

            counter.Add(record.Key.Host, rendering, stalled);
            oldest = Math.Min(oldest, record.LastSeenTimestamp);
            var position = order.PositionOf(record);
            if (after is { } end && order.Compare(position, end) <= 0)
            {
                continue;
            }

            remaining++;
            if (kept.Count < pageSize)
            {
                kept.Enqueue(record, position);
            }
            else if (kept.TryPeek(out _, out var last) && order.Compare(position, last) < 0)
            {
                kept.DequeueEnqueue(record, position);
            }
        }

        var views = new InstanceView[kept.Count];
        var positions = new PagePosition[kept.Count];
        for (var i = kept.Count - 1; i >= 0; i--)
        {
            kept.TryDequeue(out var record, out positions[i]);
            views[i] = InstanceView.From(record!.Read(), timeProvider);
        }

        // As InstanceView ages an instance: by the monotonic clock.
        double? oldestAge = oldest == long.MaxValue ? null : Math.Round(timeProvider.GetElapsedTime(oldest).TotalSeconds, 3);
        page = new InstancePage(query, views, positions, remaining, counter.ToSummary(), oldestAge);
        return null;
    }

    /// <summary>The whole farm in numbers, for a page header: one pass over the registry's keys and render states.</summary>
    public FarmOverview Overview()
    {
        var counter = new FarmSummary.Counter();
        foreach (var record in registry.Records)
        {
            counter.Add(record.Key.Host, record.Rendering, record.Stalled);
        }

        var lost = registry.LostRenders.Recent();
        return new FarmOverview(counter.ToSummary(), TtlSeconds, lost.Count, lost.Count > 0 ? lost[^1].LostAt : null);
    }

    /// <summary>How long a lost render stays listed (RenderFarm:LostRenderRetention).</summary>
    public double LostRenderRetentionSeconds => registry.LostRenders.Retention.TotalSeconds;

    /// <summary>The renders lost recently, oldest first.</summary>
    public IReadOnlyList<LostRenderStatus> LostRenders() => [.. registry.LostRenders.Recent().Select(LostRenderStatus.From)];

    public InstanceView? Find(string host, string instance) =>
        registry.Find(host, instance) is { } entry ? InstanceView.From(entry, timeProvider) : null;
}
