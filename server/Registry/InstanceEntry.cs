using System.Text;
using RenderFarm.Server.Exposition;

namespace RenderFarm.Server.Registry;

/// <summary>
/// One stored instance: its latest report and when it arrived. Immutable; the registry
/// swaps whole entries so that expiry can remove exactly the entry it judged stale.
/// </summary>
public sealed class InstanceEntry
{
    internal InstanceEntry(InstanceKey key, InstanceReport report, long lastSeenTimestamp, DateTimeOffset lastSeen, InstanceEntry? previous)
    {
        Key = key;
        Report = report;
        LastSeenTimestamp = lastSeenTimestamp;
        LastSeen = lastSeen;
        InfoLabelBytes = previous is not null && SameInfo(previous.Report, report)
            ? previous.InfoLabelBytes
            : EncodeInfoLabels(key, report);
    }

    private InstanceEntry(InstanceEntry entry, long lastSeenTimestamp)
    {
        Key = entry.Key;
        Report = entry.Report;
        LastSeenTimestamp = lastSeenTimestamp;
        LastSeen = entry.LastSeen;
        InfoLabelBytes = entry.InfoLabelBytes;
    }

    public InstanceKey Key { get; }

    public InstanceReport Report { get; }

    /// <summary>Monotonic <see cref="TimeProvider.GetTimestamp"/> of the last applied report: drives expiry.</summary>
    public long LastSeenTimestamp { get; }

    /// <summary>Wall-clock time of the last applied report: shown to people.</summary>
    public DateTimeOffset LastSeen { get; }

    /// <summary>UTF-8 label text of <c>blender_instance_info</c>, kept while the values don't change.</summary>
    public byte[] InfoLabelBytes { get; }

    /// <summary>The same entry with its TTL starting again at <paramref name="timestamp"/>.</summary>
    internal InstanceEntry Renewed(long timestamp) => new(this, timestamp);

    private static bool SameInfo(InstanceReport a, InstanceReport b) =>
        a.BlenderVersion == b.BlenderVersion && a.AddonVersion == b.AddonVersion && a.Engine == b.Engine;

    private static byte[] EncodeInfoLabels(InstanceKey key, InstanceReport report)
    {
        var builder = new StringBuilder();
        builder.Append(Encoding.UTF8.GetString(key.LabelBytes))
            .Append(",blender_version=\"").Append(LabelText.Escape(report.BlenderVersion))
            .Append("\",addon_version=\"").Append(LabelText.Escape(report.AddonVersion))
            .Append("\",engine=\"").Append(LabelText.Escape(report.Engine)).Append('"');
        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
