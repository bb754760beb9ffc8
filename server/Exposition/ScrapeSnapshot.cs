using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// Flat arrays a scrape reads the entries into before writing the families from them.
/// One set is kept between scrapes: at 100k instances it is about 9 MB, which allocated
/// afresh on every scrape would churn the large-object heap and swell the resident set.
/// </summary>
internal sealed class ScrapeSnapshot
{
    private static ScrapeSnapshot? _spare;

    private ScrapeSnapshot(int capacity, int series)
    {
        Capacity = capacity;
        Values = GC.AllocateUninitializedArray<double>(capacity * series);
        Present = GC.AllocateUninitializedArray<bool>(capacity * series);
        LabelSets = new byte[capacity * (1 + InstanceMetric.Labelled.Count)][];
    }

    public int Capacity { get; }

    /// <summary>Series-major: the value of series <c>m</c> (of every family's, in order) for entry <c>i</c> is at <c>m * count + i</c>.</summary>
    public double[] Values { get; }

    public bool[] Present { get; }

    /// <summary>Set-major, as <see cref="Values"/>: the text of label set <c>s</c> for entry <c>i</c> is at <c>s * count + i</c>.</summary>
    public byte[][] LabelSets { get; }

    // Where Fill is: the record being read and how many there are.
    private int _index;
    private int _count;

    /// <summary>Reads each family's value and labels off every record, in place under the record's lock (one report's values together).</summary>
    public void Fill(ReadOnlySpan<InstanceRecord> records)
    {
        _count = records.Length;
        for (_index = 0; _index < _count; _index++)
        {
            records[_index].Read(this, FillOne);
        }
    }

    private static readonly EntryReader<ScrapeSnapshot> FillOne =
        static (snapshot, record, in entry) => snapshot.FillFrom(record, in entry);

    private void FillFrom(InstanceRecord record, in InstanceEntry entry)
    {
        var (i, count) = (_index, _count);
        var labels = InstanceLabelText.For(record, in entry);
        for (var s = 0; s <= InstanceMetric.Labelled.Count; s++)
        {
            LabelSets[(s * count) + i] = labels.Set(s);
        }

        for (var m = 0; m < AllSeries.Length; m++)
        {
            var value = AllSeries[m].Value(in entry);
            Present[(m * count) + i] = value.HasValue;
            Values[(m * count) + i] = value.GetValueOrDefault();
        }
    }

    /// <summary>Every family's series in order, as one array: read per instance, where a list's enumerators would each be an allocation.</summary>
    private static readonly InstanceSeries[] AllSeries = [.. InstanceMetric.All.SelectMany(metric => metric.Series)];

    /// <summary>The kept set when it is free and large enough, else a new one (concurrent scrapes each get their own).</summary>
    public static ScrapeSnapshot Rent(int count, int series)
    {
        var spare = Interlocked.Exchange(ref _spare, null);
        return spare is not null && spare.Capacity >= count && spare.Values.Length == spare.Capacity * series
            ? spare
            : new ScrapeSnapshot(Math.Max(count, 64), series);
    }

    /// <summary>Keeps this set for the next scrape, unless it is far larger than the farm has become.</summary>
    public void Return(int count)
    {
        // Label arrays of instances that leave must not be kept alive by a spare.
        Array.Clear(LabelSets, 0, Math.Min(count, Capacity) * (1 + InstanceMetric.Labelled.Count));
        if (Capacity <= Math.Max(4 * count, 1024))
        {
            Volatile.Write(ref _spare, this);
        }
    }
}
