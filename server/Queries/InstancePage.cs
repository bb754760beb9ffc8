namespace RenderFarm.Server.Queries;

/// <summary>
/// One page of a list of instances (AIP-158): at most the page size, in the query's order, after where the
/// previous page ended. A transport may show fewer than it holds, to bound the size of its reply, and then
/// asks for the token after the last one it shows.
/// </summary>
public sealed class InstancePage
{
    /// <summary>What a query without a page size gets: a farm of up to this many instances is answered whole, as before paging.</summary>
    public const int DefaultSize = 1000;

    /// <summary>Larger sizes are taken as this one.</summary>
    public const int MaxSize = 1000;

    private readonly InstanceQuery _query;
    private readonly PagePosition[] _positions;
    private readonly int _remaining;

    internal InstancePage(InstanceQuery query, IReadOnlyList<InstanceView> instances, PagePosition[] positions, int remaining,
        FarmSummary summary, double? oldestReportAgeSeconds)
    {
        OldestReportAgeSeconds = oldestReportAgeSeconds;
        _query = query;
        _positions = positions;
        _remaining = remaining;
        Instances = instances;
        Summary = summary;
    }

    /// <summary>This page's instances, in order.</summary>
    public IReadOnlyList<InstanceView> Instances { get; }

    /// <summary>Counted over every instance that matches the filter, on every page.</summary>
    public FarmSummary Summary { get; }

    /// <summary>Seconds since the oldest last report of every instance that matches, on every page; null when none matches.</summary>
    public double? OldestReportAgeSeconds { get; }

    /// <summary>The size a request asks for, as AIP-158 reads it: 0 for the default, above the maximum for the maximum.</summary>
    /// <returns>Null and the size to use, or what is wrong with it, for a message that names the parameter.</returns>
    public static string? TryResolveSize(long requested, out int size)
    {
        size = requested switch
        {
            0 => DefaultSize,
            > MaxSize => MaxSize,
            _ => (int)Math.Max(requested, 0),
        };
        return requested < 0 ? $"must not be negative, was {requested}" : null;
    }

    /// <summary>The token of the page after the first <paramref name="shown"/> instances of this one; empty when none follows.</summary>
    public string NextPageToken(int shown)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shown, Instances.Count);
        if (shown >= _remaining)
        {
            return "";
        }

        // Nothing shown of a page that had instances would walk on the spot.
        ArgumentOutOfRangeException.ThrowIfLessThan(shown, 1);
        return PageToken.Write(_query, _positions[shown - 1]);
    }
}
