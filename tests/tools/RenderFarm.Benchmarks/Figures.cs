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

/// <summary>One render of the overhead measure, in seconds: three spans of the wall clock Blender stamps its render events
/// with, and the CPU time of the middle one.</summary>
/// <param name="StartUp">From starting the process to render_init: Blender, its add-ons (ours and grpcio among them) and the scene loading.</param>
/// <param name="Render">render_init to render_complete: every frame, and our handlers between frames.</param>
/// <param name="Exit">From render_complete until the process is gone: our sign-off happens here.</param>
/// <param name="RenderCpu">CPU seconds of the whole Blender process, every thread, from render_init to render_complete.</param>
public sealed record RenderTimes(double StartUp, double Render, double Exit, double RenderCpu);

/// <summary>The same render without the add-on and with it, back to back; <paramref name="WithFirst"/> says which ran first.</summary>
public sealed record OverheadRound(RenderTimes Without, RenderTimes With, bool WithFirst);

/// <summary>
/// What the add-on costs the renders of one Blender, from rounds of a render without it and with it. Each round is a ratio
/// (or a difference) of its own two runs, and the figure is the median over rounds: a change of the machine's load during
/// the run moves both runs of a round alike, and a round that one burst of load spoilt is outvoted.
/// </summary>
public sealed record OverheadFigure(string Blender, int Frames, int Samples, string Reporting, IReadOnlyList<OverheadRound> Rounds)
{
    /// <summary>The product's limit on the render's overhead: ≤ 1 %.</summary>
    public const double Limit = 0.01;

    /// <summary>Render time with the add-on over render time without it in the same round, less one.</summary>
    public Spread RenderOverhead => Spread.Of(Rounds.Select(r => r.With.Render / r.Without.Render - 1));

    /// <summary>The same in CPU seconds of the Blender process: what the add-on's threads and handlers take from Cycles's
    /// threads on a node that renders on every core; other load on the machine moves it far less than the render's time.</summary>
    public Spread RenderCpuOverhead => Spread.Of(Rounds.Select(r => r.With.RenderCpu / r.Without.RenderCpu - 1));

    /// <summary>Seconds the add-on adds before the render starts (it loads, and imports grpcio).</summary>
    public Spread StartUpCost => Spread.Of(Rounds.Select(r => r.With.StartUp - r.Without.StartUp));

    /// <summary>Seconds the add-on adds after the render (it signs off).</summary>
    public Spread ExitCost => Spread.Of(Rounds.Select(r => r.With.Exit - r.Without.Exit));

    /// <summary>The median of each part over the renders without the add-on: what the costs above are relative to.</summary>
    public RenderTimes MedianWithout => new(
        Spread.Of(Rounds.Select(r => r.Without.StartUp)).Median,
        Spread.Of(Rounds.Select(r => r.Without.Render)).Median,
        Spread.Of(Rounds.Select(r => r.Without.Exit)).Median,
        Spread.Of(Rounds.Select(r => r.Without.RenderCpu)).Median);

    /// <summary>Judged as the row shows it, to a tenth of a per cent: a row that reads +1.0 % meets the limit.</summary>
    public bool WithinLimit => Math.Round(RenderOverhead.Median, 3) <= Limit;
}

/// <summary>Median, quartiles and extremes of a handful of values (quantiles interpolated between neighbours).</summary>
public sealed record Spread(double Median, double LowerQuartile, double UpperQuartile, double Lowest, double Highest)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        return new(At(sorted, 0.5), At(sorted, 0.25), At(sorted, 0.75), sorted[0], sorted[^1]);
    }

    private static double At(double[] sorted, double quantile)
    {
        var position = quantile * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}

internal static class Quantiles
{
    /// <summary>Nearest rank over sorted values.</summary>
    public static TimeSpan Of(IReadOnlyList<TimeSpan> sorted, double quantile) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}
