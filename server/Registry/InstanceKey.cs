using System.Text;
using RenderFarm.Server.Exposition;

namespace RenderFarm.Server.Registry;

/// <summary>
/// Identity of one Blender instance: the <c>host</c> and <c>instance</c> labels.
/// Carries its label text encoded once, because every scrape writes it once per metric.
/// </summary>
public sealed class InstanceKey : IEquatable<InstanceKey>
{
    private byte[]? _labelBytes;

    public InstanceKey(string host, string instance)
    {
        Host = host;
        Instance = instance;
    }

    public string Host { get; }

    public string Instance { get; }

    /// <summary>UTF-8 of <c>host="…",instance="…"</c>, escaped for the exposition format.</summary>
    /// <remarks>
    /// Made on first use: every report builds a key to look its entry up, and only the key
    /// of a new instance is stored and ever written. Two threads may both make it; they make the same bytes.
    /// </remarks>
    public byte[] LabelBytes => _labelBytes ??= Encoding.UTF8.GetBytes(
        $"host=\"{LabelText.Escape(Host)}\",instance=\"{LabelText.Escape(Instance)}\"");

    public bool Equals(InstanceKey? other) =>
        other is not null && string.Equals(Host, other.Host, StringComparison.Ordinal)
        && string.Equals(Instance, other.Instance, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as InstanceKey);

    public override int GetHashCode() => HashCode.Combine(
        StringComparer.Ordinal.GetHashCode(Host), StringComparer.Ordinal.GetHashCode(Instance));

    public override string ToString() => $"{Host}/{Instance}";
}
