namespace RenderFarm.Benchmarks;

/// <summary>Scrape time (median and fastest of several) and size on the wire of /metrics holding this many instances.</summary>
public sealed record ScrapeFigure(int Instances, TimeSpan Median, TimeSpan Fastest, long Bytes);

/// <summary>Managed heap and resident set of the server after a full GC, empty and holding this many instances.</summary>
public sealed record MemoryFigure(int Instances, double HeapEmpty, double HeapFull, double RssEmpty, double RssFull)
{
    public double HeapPerInstance => (HeapFull - HeapEmpty) / Instances;

    public double RssPerInstance => (RssFull - RssEmpty) / Instances;
}

/// <summary>From a report's reply to its change being read off /metrics.</summary>
public sealed record VisibilityFigure(int Instances, int Samples, TimeSpan P50, TimeSpan P99, TimeSpan Max, int NotInFirstScrape)
{
    /// <summary>From the reply to the scrape's response headers (the scrape that showed the change): the part before the body.</summary>
    public TimeSpan HeadersP50 { get; init; }

    public TimeSpan HeadersP99 { get; init; }

    /// <summary>Garbage collections of the server while the samples were taken (every generation).</summary>
    public double ServerCollections { get; init; }
}

/// <summary>How long after its TTL each instance was seen gone (an upper bound: from when its report was sent).</summary>
public sealed record ExpiryFigure(int Instances, TimeSpan Ttl, TimeSpan P50, TimeSpan P99, TimeSpan Max, int Early, int NeverGone);

internal static class Quantiles
{
    /// <summary>Nearest rank over sorted values.</summary>
    public static TimeSpan Of(IReadOnlyList<TimeSpan> sorted, double quantile) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}
