namespace RenderFarm.Server.Registry;

/// <summary>Identity of one Blender instance: its host and its instance on that host.</summary>
public sealed class InstanceKey : IEquatable<InstanceKey>
{
    public InstanceKey(string host, string instance)
    {
        Host = host;
        Instance = instance;
    }

    public string Host { get; }

    public string Instance { get; }

    public bool Equals(InstanceKey? other) =>
        other is not null && string.Equals(Host, other.Host, StringComparison.Ordinal)
        && string.Equals(Instance, other.Instance, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as InstanceKey);

    public override int GetHashCode() => HashCode.Combine(
        StringComparer.Ordinal.GetHashCode(Host), StringComparer.Ordinal.GetHashCode(Instance));

    public override string ToString() => $"{Host}/{Instance}";
}
