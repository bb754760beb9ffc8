using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// One instance's label text, encoded for the scrape and kept on the instance's registry record
/// between scrapes (the registry only holds it, and drops it with the record): every scrape writes
/// an instance's labels once per family, and they rarely change. Host and instance never change;
/// the families' own labels are encoded again only when a value under them did.
/// </summary>
/// <remarks>
/// Never changed once made, so concurrent scrapes can share it; one that finds it out of date makes
/// a new one and keeps that, and a scrape racing with it at worst makes the same text again.
/// </remarks>
internal sealed class InstanceLabelText
{
    // Label sets 1 and on: host, instance and each labelled family's own labels; null until the first full scrape.
    private readonly byte[][]? _sets;

    // What _sets were made from: every labelled family's label values, one family after another.
    private readonly string[]? _values;

    private InstanceLabelText(byte[] identity, byte[][]? sets, string[]? values)
    {
        Identity = identity;
        _sets = sets;
        _values = values;
    }

    /// <summary>UTF-8 of <c>host="…",instance="…"</c>: label set 0, which every family's labels start with.</summary>
    public byte[] Identity { get; }

    /// <summary>The text of one label set (see <see cref="InstanceMetric.LabelSet"/>).</summary>
    public byte[] Set(int labelSet) => labelSet == 0 ? Identity : _sets![labelSet - 1];

    /// <summary>The record's kept text, at least its host and instance: all the render state needs.</summary>
    public static InstanceLabelText Of(InstanceRecord record)
    {
        if (record.ScrapeCache is InstanceLabelText kept)
        {
            return kept;
        }

        var made = new InstanceLabelText(EncodeIdentity(record.Key), null, null);
        record.ScrapeCache = made;
        return made;
    }

    /// <summary>The text of every label set for <paramref name="entry"/>, a copy of the record's latest report.</summary>
    public static InstanceLabelText For(InstanceRecord record, in InstanceEntry entry)
    {
        var kept = record.ScrapeCache as InstanceLabelText;
        if (kept is not null && kept.Describes(in entry))
        {
            return kept;
        }

        var identity = kept?.Identity ?? EncodeIdentity(record.Key);
        var values = new List<string>();
        var sets = new byte[InstanceMetric.Labelled.Count][];
        for (var s = 0; s < sets.Length; s++)
        {
            var labels = InstanceMetric.Labelled[s].Labels;
            var pairs = new (string Name, string Value)[labels.Count];
            for (var l = 0; l < labels.Count; l++)
            {
                pairs[l] = (labels[l].Name, labels[l].Value(in entry));
                values.Add(pairs[l].Value);
            }

            sets[s] = [.. identity, (byte)',', .. LabelText.Encode(pairs)];
        }

        var made = new InstanceLabelText(identity, sets, [.. values]);
        record.ScrapeCache = made;
        return made;
    }

    private static byte[] EncodeIdentity(InstanceKey key) => LabelText.Encode(("host", key.Host), ("instance", key.Instance));

    /// <summary>True when the label values of <paramref name="entry"/> are the ones this text was made from.</summary>
    private bool Describes(in InstanceEntry entry)
    {
        if (_values is null)
        {
            return false;
        }

        for (var at = 0; at < AllLabels.Length; at++)
        {
            // The registry keeps a value's stored string while it does not change: mostly a reference comparison.
            if (!string.Equals(_values[at], AllLabels[at].Value(in entry), StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every labelled family's own labels in order, as one array: checked per instance and scrape, where a list's enumerators would each be an allocation.</summary>
    private static readonly InstanceLabel[] AllLabels = [.. InstanceMetric.Labelled.SelectMany(metric => metric.Labels)];
}
