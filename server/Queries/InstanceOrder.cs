using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Queries;

/// <summary>What a list of instances is sorted by: a column of the farm page, either way.</summary>
public enum SortKey
{
    Host,
    Instance,
    State,
    CurrentFrame,
    Progress,
    FramesRendered,
    Age,
    File,
    BlenderVersion,
}

/// <summary>
/// The order of a list of instances: one value, ascending or descending, then host and then instance (both
/// ascending, in <see cref="NaturalOrder"/>), so that no two instances tie and a page can end at one.
/// </summary>
public readonly record struct InstanceOrder(SortKey Key, bool Descending)
{
    /// <summary>How the API spells each key: the JSON field it sorts by.</summary>
    private static readonly (string Name, SortKey Key)[] Names =
    [
        ("host", SortKey.Host),
        ("instance", SortKey.Instance),
        ("state", SortKey.State),
        ("currentFrame", SortKey.CurrentFrame),
        ("job.progress", SortKey.Progress),
        ("framesRendered", SortKey.FramesRendered),
        ("ageSeconds", SortKey.Age),
        ("file", SortKey.File),
        ("blenderVersion", SortKey.BlenderVersion),
    ];

    /// <summary>By host, then instance.</summary>
    public static InstanceOrder Default => default;

    /// <summary>The keys as the API spells them, for messages and documentation.</summary>
    public static string KeyNames { get; } = string.Join(", ", Names.Select(n => n.Name));

    /// <summary>Reads <c>key</c> or <c>key desc</c> (or <c>key asc</c>), as AIP-132's order_by; empty means <see cref="Default"/>.</summary>
    /// <returns>Null when it reads, else what is wrong, for a message that names the parameter.</returns>
    public static string? TryParse(string? text, out InstanceOrder order)
    {
        order = Default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var direction = words.Length == 2 ? words[1].ToLowerInvariant() : "asc";
        var key = Array.FindIndex(Names, n => string.Equals(n.Name, words[0], StringComparison.OrdinalIgnoreCase));
        if (words.Length > 2 || direction is not ("asc" or "desc") || key < 0)
        {
            return $"must be one of {KeyNames}, optionally followed by ' desc', was '{StatusFilter.Shorten(text)}'";
        }

        order = new InstanceOrder(Names[key].Key, direction == "desc");
        return null;
    }

    /// <summary>The canonical spelling, which <see cref="TryParse"/> reads back.</summary>
    public override string ToString()
    {
        var key = Key;
        var name = Array.Find(Names, n => n.Key == key).Name;
        return Descending ? name + " desc" : name;
    }

    /// <summary>
    /// Where <paramref name="record"/> stands in this order. By host, instance or state it needs no copy of the
    /// record's report (nor its lock), which a page of a large farm would otherwise take for every instance.
    /// </summary>
    internal PagePosition PositionOf(InstanceRecord record) => Key switch
    {
        SortKey.Host or SortKey.Instance => new PagePosition { Host = record.Key.Host, Instance = record.Key.Instance },
        SortKey.State => new PagePosition { Host = record.Key.Host, Instance = record.Key.Instance, Number = StateRank(record.Rendering, record.Stalled) },
        _ => PositionOf(record.Read()),
    };

    /// <summary>Where <paramref name="entry"/> stands in this order.</summary>
    internal PagePosition PositionOf(in InstanceEntry entry)
    {
        var report = entry.Report;
        var position = new PagePosition { Host = entry.Key.Host, Instance = entry.Key.Instance };
        return Key switch
        {
            SortKey.Host or SortKey.Instance => position,
            SortKey.State => position with { Number = StateRank(report.Rendering, entry.Stalled) },
            SortKey.CurrentFrame => position with { Number = report.CurrentFrame },
            SortKey.Progress => position with { Fraction = ProgressOf(report) },
            SortKey.FramesRendered => position with { Number = (long)Math.Min(report.FramesRendered, long.MaxValue) },
            // Youngest first, as age ascending reads: the later the last report, the smaller the age.
            SortKey.Age => position with { Number = -entry.LastSeenTimestamp },
            SortKey.File => position with { Text = report.BlendFile },
            SortKey.BlenderVersion => position with { Text = report.BlenderVersion, SecondText = report.Engine },
            _ => throw new InvalidOperationException($"no position for sort key {Key}"),
        };
    }

    /// <summary>Negative when <paramref name="a"/> comes first: this order's value, then host, then instance.</summary>
    internal int Compare(in PagePosition a, in PagePosition b)
    {
        var byValue = Key switch
        {
            SortKey.Host => NaturalOrder.Instance.Compare(a.Host, b.Host),
            SortKey.Instance => NaturalOrder.Instance.Compare(a.Instance, b.Instance),
            SortKey.Progress => a.Fraction.CompareTo(b.Fraction),
            SortKey.File or SortKey.BlenderVersion => CompareTexts(a, b),
            _ => a.Number.CompareTo(b.Number),
        };
        if (byValue != 0)
        {
            return Descending ? -byValue : byValue;
        }

        var byHost = NaturalOrder.Instance.Compare(a.Host, b.Host);
        return byHost != 0 ? byHost : NaturalOrder.Instance.Compare(a.Instance, b.Instance);
    }

    private static int CompareTexts(in PagePosition a, in PagePosition b)
    {
        var byText = NaturalOrder.Instance.Compare(a.Text, b.Text);
        return byText != 0 ? byText : NaturalOrder.Instance.Compare(a.SecondText, b.SecondText);
    }

    /// <summary>As the page shows it: the job's progress while rendering one, else below every progress.</summary>
    /// <summary>Idle, then rendering, then stalled: sorted by state descending, the renders that need someone come first.</summary>
    private static int StateRank(bool rendering, bool stalled) => rendering ? stalled ? 2 : 1 : 0;

    private static double ProgressOf(in InstanceReport report) =>
        report is { Rendering: true, JobFrameStart: { } start, JobFrameEnd: { } end }
            ? JobStatus.ProgressOf(start, end, report.CurrentFrame)
            : -1;
}

/// <summary>
/// Where an instance stands in an <see cref="InstanceOrder"/>: the value sorted by (in the member its key uses),
/// then host and instance. A page token carries the last one of a page.
/// </summary>
internal readonly record struct PagePosition()
{
    public long Number { get; init; }

    public double Fraction { get; init; }

    public string Text { get; init; } = "";

    public string SecondText { get; init; } = "";

    public required string Host { get; init; }

    public required string Instance { get; init; }
}
